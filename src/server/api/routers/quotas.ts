import { ZClearQuotaInput, ZSetQuotaInput, ZSubject } from '../../quotas/quotas.schema';
import * as quotas from '../../quotas/quotas.service';
import { listQuotaTable } from '../../quotas/quota-table.service';
import { authedProcedure, router } from '../trpc';

export const quotasRouter = router({
  /** The caller's own limits and usage. */
  mine: authedProcedure.query(({ ctx }) => quotas.getMyQuota(ctx, ctx.viewer)),
  /** Admins: every user with their limits and this day's and month's usage, and the default. */
  list: authedProcedure.query(({ ctx }) => listQuotaTable(ctx, ctx.viewer)),
  get: authedProcedure.input(ZSubject).query(({ ctx, input }) => quotas.getQuota(ctx, ctx.viewer, input)),
  set: authedProcedure.input(ZSetQuotaInput).mutation(({ ctx, input }) => quotas.setQuota(ctx, ctx.viewer, input)),
  clear: authedProcedure.input(ZClearQuotaInput).mutation(({ ctx, input }) => quotas.clearQuota(ctx, ctx.viewer, input)),
});
