import { estimateRun } from '../../jobs/estimate.service';
import * as jobs from '../../jobs/jobs.service';
import { ZEstimateInput, ZJobIdInput, ZListJobsInput, ZListResultsInput, ZSubmitJobInput } from '../../jobs/jobs.schema';
import { readProcedure, router, runProcedure } from '../trpc';

export const jobsRouter = router({
  /** Time and cost before submitting, with the basis they rest on: read-only, reused by the agent. */
  estimate: readProcedure.input(ZEstimateInput).query(({ ctx, input }) => estimateRun(ctx, ctx.viewer, input)),
  create: runProcedure.input(ZSubmitJobInput).mutation(({ ctx, input }) => jobs.submitJob(ctx, ctx.viewer, input)),
  get: readProcedure.input(ZJobIdInput).query(({ ctx, input }) => jobs.getJobWithMembers(ctx, ctx.viewer, input)),
  list: readProcedure.input(ZListJobsInput).query(({ ctx, input }) => jobs.listJobs(ctx, ctx.viewer, input)),
  results: readProcedure.input(ZListResultsInput).query(({ ctx, input }) => jobs.listResults(ctx, ctx.viewer, input)),
  cancel: runProcedure.input(ZJobIdInput).mutation(({ ctx, input }) => jobs.cancelJob(ctx, ctx.viewer, input)),
});
