import { estimateRun } from '../../jobs/estimate.service';
import * as jobs from '../../jobs/jobs.service';
import { ZEstimateInput, ZJobIdInput, ZListJobsInput, ZListResultsInput, ZSubmitJobInput } from '../../jobs/jobs.schema';
import { authedProcedure, router } from '../trpc';

export const jobsRouter = router({
  /** Time and cost before submitting, with the basis they rest on: read-only, reused by the agent. */
  estimate: authedProcedure.input(ZEstimateInput).query(({ ctx, input }) => estimateRun(ctx, ctx.viewer, input)),
  create: authedProcedure.input(ZSubmitJobInput).mutation(({ ctx, input }) => jobs.submitJob(ctx, ctx.viewer, input)),
  get: authedProcedure.input(ZJobIdInput).query(({ ctx, input }) => jobs.getJobWithMembers(ctx, ctx.viewer, input)),
  list: authedProcedure.input(ZListJobsInput).query(({ ctx, input }) => jobs.listJobs(ctx, ctx.viewer, input)),
  results: authedProcedure.input(ZListResultsInput).query(({ ctx, input }) => jobs.listResults(ctx, ctx.viewer, input)),
  cancel: authedProcedure.input(ZJobIdInput).mutation(({ ctx, input }) => jobs.cancelJob(ctx, ctx.viewer, input)),
});
