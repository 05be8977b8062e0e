import * as signup from '../../users/signup.service';
import { authedProcedure, publicProcedure, router } from '../trpc';

export const meRouter = router({
  get: authedProcedure.query(({ ctx }) => ctx.viewer),
  /** Who may sign up now (set-up, open, by domain, closed): the sign-in page adapts to it. */
  signUpOptions: publicProcedure.query(({ ctx }) => signup.signUpOptions(ctx, ctx.viewer)),
  /** Sign-up: the same answer whether or not the email has an account (see signUp). */
  register: publicProcedure.input(signup.ZSignUpInput).mutation(({ ctx, input }) => signup.signUp(ctx, ctx.viewer, input)),
});
