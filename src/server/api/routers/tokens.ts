import { z } from 'zod';
import { inAuditedTransaction } from '../../audit/audited-transaction';
import { tokenBefore } from '../../audit/snapshots';
import { safeName } from '../../safe-input';
import * as users from '../../users/users.service';
import { authedProcedure, router } from '../trpc';

export const tokensRouter = router({
  list: authedProcedure.query(({ ctx }) => users.listApiTokens(ctx, ctx.viewer)),
  create: authedProcedure
    .input(z.object({ name: safeName(100, 'give the token a name') }))
    .mutation(({ ctx, input }) =>
      // The answer's token is redacted in the entry: the log keeps its name and prefix.
      inAuditedTransaction(ctx, ctx.viewer, (tx) => users.createApiToken({ db: tx }, ctx.viewer, input), {
        action: 'token.create',
        entity: (t) => ({ type: 'token', id: t.id }),
      }),
    ),
  revoke: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) =>
      inAuditedTransaction(ctx, ctx.viewer, (tx) => users.revokeApiToken({ db: tx }, ctx.viewer, input), {
        action: 'token.revoke',
        before: (tx) => tokenBefore(tx, input.id),
        entity: () => ({ type: 'token', id: input.id }),
        after: () => ({ revoked: true }),
      }),
    ),
});
