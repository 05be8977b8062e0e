import { z } from 'zod';
import * as aliases from '../../models/aliases.service';
import * as sharing from '../../models/sharing.service';
import { safeText } from '../../safe-input';
import { listTeams } from '../../teams/teams.service';
import { readProcedure, registerProcedure, router } from '../trpc';

/** Sharing a model with one account or one team, beyond its visibility. */
export const grantsRouter = router({
  list: readProcedure.input(z.object({ slug: safeText(200) })).query(({ ctx, input }) => sharing.listGrants(ctx, ctx.viewer, input)),
  create: registerProcedure.input(sharing.ZCreateGrantInput).mutation(({ ctx, input }) => sharing.createGrant(ctx, ctx.viewer, input)),
  revoke: registerProcedure.input(z.object({ grantId: z.uuid() })).mutation(({ ctx, input }) => sharing.revokeGrant(ctx, ctx.viewer, input)),
});

const ZDecision = z.object({ id: z.uuid(), note: safeText(500).default('') });

/** Moves of a protected alias waiting for (or decided by) an approver. */
export const promotionsRouter = router({
  list: readProcedure
    .input(
      z.object({
        slug: safeText(200).optional(),
        status: z.enum(['pending', 'approved', 'rejected', 'cancelled']).optional(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(({ ctx, input }) => aliases.listPromotions(ctx, ctx.viewer, input)),
  approve: registerProcedure.input(ZDecision).mutation(({ ctx, input }) => aliases.approvePromotion(ctx, ctx.viewer, input)),
  reject: registerProcedure.input(ZDecision).mutation(({ ctx, input }) => aliases.rejectPromotion(ctx, ctx.viewer, input)),
  cancel: registerProcedure.input(z.object({ id: z.uuid() })).mutation(({ ctx, input }) => aliases.cancelPromotion(ctx, ctx.viewer, input)),
});

export const teamsRouter = router({
  /** Every team's name, to choose whom to share a model with. */
  list: readProcedure.query(({ ctx }) => listTeams(ctx, ctx.viewer)),
});
