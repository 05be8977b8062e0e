import { z } from 'zod';
import * as teams from '../../teams/teams.service';
import * as adminUsers from '../../users/admin-users.service';
import * as invitations from '../../users/invitations.service';
import { revokeSessionsOf } from '../../users/sessions.service';
import { adminProcedure, router } from '../trpc';

const ZUserId = z.object({ userId: z.uuid() });

/** The admin console's identity procedures: accounts and roles, teams, invitations, sign-up, everyone's tokens. */
export const adminRouter = router({
  users: router({
    list: adminProcedure.input(adminUsers.ZListUsersInput).query(({ ctx, input }) => adminUsers.listUsers(ctx, ctx.viewer, input)),
    create: adminProcedure.input(adminUsers.ZCreateUserInput).mutation(({ ctx, input }) => adminUsers.createUser(ctx, ctx.viewer, input)),
    /** Role, or disabled (which ends the account's sessions and stops its tokens). */
    update: adminProcedure.input(adminUsers.ZUpdateUserInput).mutation(({ ctx, input }) => adminUsers.updateUser(ctx, ctx.viewer, input)),
    /** Signs every browser of the account out on its next request. */
    revokeSessions: adminProcedure.input(ZUserId).mutation(({ ctx, input }) => revokeSessionsOf(ctx, ctx.viewer, input)),
  }),
  teams: router({
    list: adminProcedure.query(({ ctx }) => teams.listTeamsWithMembers(ctx, ctx.viewer)),
    create: adminProcedure.input(teams.ZCreateTeamInput).mutation(({ ctx, input }) => teams.createTeam(ctx, ctx.viewer, input)),
    update: adminProcedure.input(teams.ZUpdateTeamInput).mutation(({ ctx, input }) => teams.updateTeam(ctx, ctx.viewer, input)),
    addMember: adminProcedure.input(teams.ZTeamMemberInput).mutation(({ ctx, input }) => teams.addTeamMember(ctx, ctx.viewer, input)),
    removeMember: adminProcedure.input(teams.ZTeamMemberInput).mutation(({ ctx, input }) => teams.removeTeamMember(ctx, ctx.viewer, input)),
  }),
  invitations: router({
    list: adminProcedure.query(({ ctx }) => invitations.listInvitations(ctx, ctx.viewer)),
    /** Answers the link once (`path`); only its hash is kept. */
    create: adminProcedure.input(invitations.ZCreateInvitationInput).mutation(({ ctx, input }) => invitations.createInvitation(ctx, ctx.viewer, input)),
    revoke: adminProcedure.input(z.object({ id: z.uuid() })).mutation(({ ctx, input }) => invitations.revokeInvitation(ctx, ctx.viewer, input)),
  }),
  signUp: router({
    get: adminProcedure.query(({ ctx }) => adminUsers.getSignUpSettings(ctx, ctx.viewer)),
    update: adminProcedure.input(adminUsers.ZSignUpSettingsInput).mutation(({ ctx, input }) => adminUsers.updateSignUpSettings(ctx, ctx.viewer, input)),
  }),
  tokens: router({
    list: adminProcedure
      .input(z.object({ userId: z.uuid().optional(), includeRevoked: z.boolean().default(false) }))
      .query(({ ctx, input }) => adminUsers.listAllTokens(ctx, ctx.viewer, input)),
    revoke: adminProcedure.input(z.object({ id: z.uuid() })).mutation(({ ctx, input }) => adminUsers.revokeAnyToken(ctx, ctx.viewer, input)),
  }),
});
