import { z } from 'zod';
import { inAuditedTransaction } from '../../audit/audited-transaction';
import { tokenBefore } from '../../audit/snapshots';
import * as users from '../../users/users.service';
import { authedProcedure, readProcedure, router, sessionProcedure } from '../trpc';

export const tokensRouter = router({
  list: readProcedure.query(({ ctx }) => users.listApiTokens(ctx, ctx.viewer)),
  /** Made from a signed-in session only, with scopes within the account's own and an optional expiry. */
  create: sessionProcedure.input(users.ZCreateTokenInput).mutation(({ ctx, input }) =>
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
