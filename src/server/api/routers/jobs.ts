import { estimateRun } from '../../jobs/estimate.service';
import * as jobs from '../../jobs/jobs.service';
import { ZEstimateInput, ZJobIdInput, ZListJobsInput, ZSubmitJobInput } from '../../jobs/jobs.schema';
import { queryResults } from '../../jobs/results.service';
import { ZResultsQuery } from '../../jobs/results.schema';
import { readProcedure, router, runProcedure } from '../trpc';

export const jobsRouter = router({
  /** Time and cost before submitting, with the basis they rest on: read-only, reused by the agent. */
  estimate: readProcedure.input(ZEstimateInput).query(({ ctx, input }) => estimateRun(ctx, ctx.viewer, input)),
  create: runProcedure.input(ZSubmitJobInput).mutation(({ ctx, input }) => jobs.submitJob(ctx, ctx.viewer, input)),
  get: readProcedure.input(ZJobIdInput).query(({ ctx, input }) => jobs.getJobWithMembers(ctx, ctx.viewer, input)),
  list: readProcedure.input(ZListJobsInput).query(({ ctx, input }) => jobs.listJobs(ctx, ctx.viewer, input)),
  /** A page of results: filtered (status, ranges on output fields), sorted (an output field or input order), by keyset `cursor` or `offset`. */
  results: readProcedure.input(ZResultsQuery).query(({ ctx, input }) => queryResults(ctx, ctx.viewer, input)),
  cancel: runProcedure.input(ZJobIdInput).mutation(({ ctx, input }) => jobs.cancelJob(ctx, ctx.viewer, input)),
});
