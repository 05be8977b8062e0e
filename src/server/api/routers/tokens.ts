import { z } from 'zod';
import * as users from '../../users/users.service';
import { authedProcedure, router } from '../trpc';

export const tokensRouter = router({
  list: authedProcedure.query(({ ctx }) => users.listApiTokens(ctx, ctx.viewer)),
  create: authedProcedure
    .input(z.object({ name: z.string().trim().min(1, 'give the token a name').max(100) }))
    .mutation(({ ctx, input }) => users.createApiToken(ctx, ctx.viewer, input)),
  revoke: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => users.revokeApiToken(ctx, ctx.viewer, input)),
});
