import * as jobs from '../../jobs/jobs.service';
import { ZJobIdInput, ZListJobsInput, ZListResultsInput, ZSubmitJobInput } from '../../jobs/jobs.schema';
import { authedProcedure, router } from '../trpc';

export const jobsRouter = router({
  create: authedProcedure
    .input(ZSubmitJobInput)
    .mutation(async ({ ctx, input }) => jobs.submitJob(ctx.db, await ctx.boss(), ctx.viewer, input)),
  get: authedProcedure.input(ZJobIdInput).query(({ ctx, input }) => jobs.getJobWithMembers(ctx.db, ctx.viewer, input.jobId)),
  list: authedProcedure.input(ZListJobsInput).query(({ ctx, input }) => jobs.listJobs(ctx.db, ctx.viewer, input)),
  results: authedProcedure.input(ZListResultsInput).query(({ ctx, input }) => jobs.listResults(ctx.db, ctx.viewer, input)),
  cancel: authedProcedure.input(ZJobIdInput).mutation(({ ctx, input }) => jobs.cancelJob(ctx.db, ctx.viewer, input.jobId)),
});
