import { z } from 'zod';
import * as users from '../../users/users.service';
import { authedProcedure, readProcedure, router, sessionProcedure } from '../trpc';

export const tokensRouter = router({
  list: readProcedure.query(({ ctx }) => users.listApiTokens(ctx, ctx.viewer)),
  /** Made from a signed-in session only, with scopes within the account's own and an optional expiry. */
  create: sessionProcedure.input(users.ZCreateTokenInput).mutation(({ ctx, input }) => users.createApiToken(ctx, ctx.viewer, input)),
  revoke: authedProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => users.revokeApiToken(ctx, ctx.viewer, input)),
});
