import { z } from 'zod';
import { ZJobIdInput, ZListJobsInput, ZListResultsInput } from '../../jobs/jobs.schema';
import { summarizeResults } from '../result-summary';
import { defineTool, pollUntil, type AppCaller } from '../tool-kit';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];
/** Most results summarize_results reads; the answer says when it read fewer than the job has. */
const SUMMARY_MAX_ITEMS = 20_000;

type Job = Awaited<ReturnType<AppCaller['jobs']['get']>>;

function jobView(j: Job) {
  const ended = j.itemsDone + j.itemsFailed;
  return {
    jobId: j.id,
    model: j.model,
    version: j.version,
    label: j.label,
    status: j.status,
    finished: TERMINAL.includes(j.status),
    itemsTotal: j.itemsTotal,
    itemsDone: j.itemsDone,
    itemsFailed: j.itemsFailed,
    progress: j.itemsTotal ? Math.round((1000 * ended) / j.itemsTotal) / 1000 : 1,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    ...(j.members.length ? { members: j.members } : {}),
    warning: j.warning,
    link: `/jobs/${j.id}`,
  };
}

export const jobStatus = defineTool({
  name: 'job_status',
  title: 'Job status',
  description:
    "A job's status and progress (items done and failed of the total). With waitSeconds it follows the job until it ends or the time is up, reporting progress meanwhile; call it again if it has not finished.",
  kind: 'read',
  input: ZJobIdInput.extend({ waitSeconds: z.number().int().min(0).max(300).default(0) }),
  async run({ jobId, waitSeconds }, { caller, progress, signal }) {
    let job = await caller.jobs.get({ jobId });
    let reported = -1;
    await pollUntil(
      async () => {
        job = await caller.jobs.get({ jobId });
        const ended = job.itemsDone + job.itemsFailed;
        if (progress && ended !== reported) {
          reported = ended;
          await progress({ progress: ended, total: job.itemsTotal, message: `${job.status}: ${job.itemsDone} done, ${job.itemsFailed} failed of ${job.itemsTotal}` });
        }
        return TERMINAL.includes(job.status);
      },
      { seconds: waitSeconds, signal, everyMs: 500 },
    );
    return jobView(job);
  },
});

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List jobs',
  description: "The user's recent jobs, newest first, with status and counts.",
  kind: 'read',
  input: ZListJobsInput,
  async run(input, { caller }) {
    const { items, total } = await caller.jobs.list(input);
    return { total, jobs: items.map((j) => jobView({ ...j, members: [] })) };
  },
});

export const jobResults = defineTool({
  name: 'job_results',
  title: 'Job results',
  description: "A page of a job's per-item results (input, output or error), optionally only succeeded or failed ones. For overviews use summarize_results.",
  kind: 'read',
  input: ZListResultsInput.extend({ limit: z.number().int().min(1).max(100).default(20) }),
  async run(input, { caller }) {
    const page = await caller.jobs.results(input);
    return {
      total: page.total,
      offset: input.offset,
      results: page.items.map((r) => ({ index: r.index, status: r.status, input: r.input, output: r.output, errorCode: r.errorCode, error: r.error })),
      link: `/jobs/${input.jobId}`,
    };
  },
});

export const summarizeJobResults = defineTool({
  name: 'summarize_results',
  title: 'Summarize results',
  description:
    "Summarize a job's results: count of succeeded and failed items, error codes, min/max/mean/median of every numeric output field, and the top k items by a field (descending by default), optionally only values between min and max.",
  kind: 'read',
  input: ZJobIdInput.extend({
    field: z.string().max(100).optional().describe('the output field to rank by; the first numeric field when left out'),
    k: z.number().int().min(1).max(50).default(5),
    order: z.enum(['desc', 'asc']).default('desc'),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  async run({ jobId, field, k, order, min, max }, { caller }) {
    const job = await caller.jobs.get({ jobId });
    const results = [];
    for (let offset = 0; offset < Math.min(job.itemsTotal, SUMMARY_MAX_ITEMS); offset += 500) {
      const page = await caller.jobs.results({ jobId, limit: 500, offset });
      results.push(...page.items);
      if (page.items.length < 500) break;
    }
    const summary = summarizeResults(results, { field, k, order, min, max });
    return {
      jobId,
      model: `${job.model}@${job.version}`,
      status: job.status,
      itemsTotal: job.itemsTotal,
      read: results.length,
      ...(results.length < job.itemsDone + job.itemsFailed ? { note: `summarised the first ${results.length} results only` } : {}),
      ...summary,
      link: `/jobs/${jobId}`,
    };
  },
});

export const cancelJob = defineTool({
  name: 'cancel_job',
  title: 'Cancel a job',
  description: 'Cancel a queued or running job; items already answered keep their results.',
  kind: 'mutation',
  input: ZJobIdInput,
  summary: ({ jobId }) => `Cancel job ${jobId}`,
  async run(input, { caller }) {
    const job = await caller.jobs.cancel(input);
    return { jobId: job.id, status: job.status, link: `/jobs/${job.id}` };
  },
});

export const evaluationMetrics = defineTool({
  name: 'evaluation_metrics',
  title: 'Evaluation metrics',
  description:
    "An evaluation's metrics (n, RMSE, MAE, R², bias) for the model and, for a consensus, each member. With waitSeconds it waits for the evaluation's job to end first.",
  kind: 'read',
  input: z.object({ id: z.uuid(), waitSeconds: z.number().int().min(0).max(300).default(0) }),
  async run({ id, waitSeconds }, { caller, signal }) {
    let e = await caller.evaluations.get({ id });
    await pollUntil(
      async () => {
        e = await caller.evaluations.get({ id });
        return TERMINAL.includes(e.job.status);
      },
      { seconds: waitSeconds, signal, everyMs: 2000 },
    );
    return {
      id: e.id,
      model: `${e.model}@${e.version}`,
      dataset: { id: e.dataset.id, name: e.dataset.name, rows: e.dataset.rowCount, measured: e.dataset.valueName, units: e.dataset.units },
      outputField: e.outputField,
      strategy: e.strategy,
      job: { jobId: e.job.id, status: e.job.status, itemsDone: e.job.itemsDone, itemsFailed: e.job.itemsFailed, itemsTotal: e.job.itemsTotal },
      finished: TERMINAL.includes(e.job.status),
      metrics: e.metrics,
      link: `/evaluations/${e.id}`,
    };
  },
});
