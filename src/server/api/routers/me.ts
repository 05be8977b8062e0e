import { inAuditedTransaction } from '../../audit/audited-transaction';
import * as users from '../../users/users.service';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const meRouter = router({
  get: authedProcedure.query(({ ctx }) => ctx.viewer),
  register: publicProcedure
    .input(users.ZRegisterInput)
    .mutation(async ({ ctx, input }) => {
      // The account a sign-up creates is who made it; the password never reaches the entry.
      const viewer = await inAuditedTransaction(ctx, ctx.viewer, (tx) => users.registerUser({ db: tx }, ctx.viewer, input), {
        action: 'user.register',
        entity: (v) => ({ type: 'user', id: v.id }),
        after: (v) => ({ email: v.email, role: v.role }),
        actor: (v) => v,
      });
      return { id: viewer.id, email: viewer.email, role: viewer.role };
    }),
});
