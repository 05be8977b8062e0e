import * as users from '../../users/users.service';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const meRouter = router({
  get: authedProcedure.query(({ ctx }) => ctx.viewer),
  register: publicProcedure
    .input(users.ZRegisterInput)
    .mutation(async ({ ctx, input }) => {
      const viewer = await users.registerUser(ctx, ctx.viewer, input);
      return { id: viewer.id, email: viewer.email, role: viewer.role };
    }),
});
