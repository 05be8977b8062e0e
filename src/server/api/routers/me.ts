import { z } from 'zod';
import { listTeams } from '../../teams/teams.service';
import * as sessions from '../../users/sessions.service';
import * as signup from '../../users/signup.service';
import { authedProcedure, publicProcedure, readProcedure, router, sessionProcedure } from '../trpc';

export const meRouter = router({
  /** Who is asking: role, teams, and what this credential may do. */
  get: authedProcedure.query(async ({ ctx }) => {
    const v = ctx.viewer;
    const teams = (await listTeams(ctx, v)).filter((t) => v.teamIds.includes(t.id)).map((t) => ({ id: t.id, name: t.name }));
    return { id: v.id, email: v.email, role: v.role, teamIds: v.teamIds, teams, scopes: v.scopes, via: v.auth.kind };
  }),
  /** Sign-up: the same answer whether or not the email has an account (see signUp). */
  register: publicProcedure.input(signup.ZSignUpInput).mutation(({ ctx, input }) => signup.signUp(ctx, ctx.viewer, input)),
  /** Who may sign up right now (nothing about any email). */
  signUpOptions: publicProcedure.query(({ ctx }) => signup.signUpOptions(ctx, ctx.viewer)),
  /** What an invitation link offers, for its page. */
  invitation: publicProcedure
    .input(z.object({ token: z.string().min(10).max(200) }))
    .query(({ ctx, input }) => signup.describeInvitation(ctx, ctx.viewer, input)),
  /** The account's live browser sessions. */
  sessions: readProcedure.query(({ ctx }) => sessions.listMySessions(ctx, ctx.viewer)),
  /** Signs out every other browser of this account. */
  endOtherSessions: sessionProcedure.mutation(({ ctx }) => sessions.endOtherSessions(ctx, ctx.viewer)),
});
