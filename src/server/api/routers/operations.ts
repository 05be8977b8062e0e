import { z } from 'zod';
import { ZAuditListInput, listAudit } from '../../audit/audit-viewer.service';
import { costReport, ZCostReportInput } from '../../cost/reports.service';
import * as ops from '../../operations/operations.service';
import { adminProcedure, router } from '../trpc';

/** The admin console's operations: the queues, workers, dead letters, model health. */
export const operationsRouter = router({
  queues: adminProcedure.query(({ ctx }) => ops.queueDepth(ctx, ctx.viewer)),
  workers: adminProcedure.query(({ ctx }) => ops.workerHealth(ctx, ctx.viewer)),
  deadLetters: adminProcedure.query(({ ctx }) => ops.deadLetters(ctx, ctx.viewer)),
  retryDeadLetter: adminProcedure.input(z.object({ taskId: z.uuid() })).mutation(({ ctx, input }) => ops.retryDeadLetter(ctx, ctx.viewer, input)),
  modelStats: adminProcedure.input(z.object({ days: z.number().int().min(1).max(365).default(7) })).query(({ ctx, input }) => ops.modelStats(ctx, ctx.viewer, input)),
});

export const auditRouter = router({
  /** Entries with filters, newest first; the CSV export is GET /api/admin/audit.csv with the same filters. */
  list: adminProcedure.input(ZAuditListInput).query(({ ctx, input }) => listAudit(ctx, ctx.viewer, input)),
});

export const costRouter = router({
  /** Measured time and cost by user, team or model over a period. */
  report: adminProcedure.input(ZCostReportInput).query(({ ctx, input }) => costReport(ctx, ctx.viewer, input)),
});
