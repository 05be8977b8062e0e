import { ZClearQuotaInput, ZSetQuotaInput, ZSubject } from '../../quotas/quotas.schema';
import * as quotas from '../../quotas/quotas.service';
import { listQuotaTable } from '../../quotas/quota-table.service';
import { adminProcedure, authedProcedure, router } from '../trpc';

export const quotasRouter = router({
  /** The caller's own limits and usage. */
  mine: authedProcedure.query(({ ctx }) => quotas.getMyQuota(ctx, ctx.viewer)),
  /** Admins: every user with their limits and this day's and month's usage, and the default. */
  list: adminProcedure.query(({ ctx }) => listQuotaTable(ctx, ctx.viewer)),
  get: adminProcedure.input(ZSubject).query(({ ctx, input }) => quotas.getQuota(ctx, ctx.viewer, input)),
  set: adminProcedure.input(ZSetQuotaInput).mutation(({ ctx, input }) => quotas.setQuota(ctx, ctx.viewer, input)),
  clear: adminProcedure.input(ZClearQuotaInput).mutation(({ ctx, input }) => quotas.clearQuota(ctx, ctx.viewer, input)),
});
