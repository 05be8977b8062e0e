import { z } from 'zod';
import { safeName } from '../../safe-input';
import * as users from '../../users/users.service';
import { authedProcedure, router } from '../trpc';

export const tokensRouter = router({
  list: authedProcedure.query(({ ctx }) => users.listApiTokens(ctx, ctx.viewer)),
  create: authedProcedure
    .input(z.object({ name: safeName(100, 'give the token a name') }))
    .mutation(({ ctx, input }) => users.createApiToken(ctx, ctx.viewer, input)),
  revoke: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => users.revokeApiToken(ctx, ctx.viewer, input)),
});
