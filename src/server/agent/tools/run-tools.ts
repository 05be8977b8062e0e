import { z } from 'zod';
import { ZEstimateInput, ZSubmitJobInput } from '../../jobs/jobs.schema';
import { ZModelRef, ZPredictInput } from '../../models/models.schema';
import { compareValues, moleculeOf } from '../result-summary';
import { defineTool, pollUntil, type AppCaller } from '../tool-kit';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export const predict = defineTool({
  name: 'predict',
  title: 'Predict one molecule',
  description:
    'Run a model on one input and wait for the answer, e.g. {"model":"rdkit-descriptors","input":{"smiles":"CCO"}}. The input must follow the model\'s input schema (see describe_model).',
  kind: 'run',
  input: ZPredictInput.omit({ idempotencyKey: true }),
  plan: async (input) => [{ model: input.model, items: 1 }],
  async run(input, { caller, callKey }) {
    const p = await caller.models.predict({ ...input, idempotencyKey: callKey });
    return { ...p, link: `/jobs/${p.jobId}` };
  },
});

export const estimateRun = defineTool({
  name: 'estimate_run',
  title: 'Estimate a run',
  description:
    'Before submitting a screen, estimate it: tasks, the median time per item measured on past results, the expected time and the worst case, with the basis. Tell the user the estimate before calling submit_screen.',
  kind: 'read',
  input: ZEstimateInput,
  async run(input, { caller }) {
    return caller.jobs.estimate(input);
  },
});

export const submitScreen = defineTool({
  name: 'submit_screen',
  title: 'Submit a screen',
  description:
    'Submit a job that runs a model on many inputs (up to 100,000), e.g. {"model":"esol-solubility","inputs":[{"smiles":"CCO"},…],"label":"…"}. Returns the job handle at once; follow it with job_status and read it with summarize_results or job_results. Large runs wait for the user\'s approval.',
  kind: 'run',
  input: ZSubmitJobInput.omit({ idempotencyKey: true }),
  plan: async (input) => [{ model: input.model, items: input.inputs.length }],
  async run(input, { caller, callKey }) {
    const job = await caller.jobs.create({ ...input, idempotencyKey: callKey });
    return {
      jobId: job.id,
      model: job.model,
      version: job.version,
      status: job.status,
      itemsTotal: job.itemsTotal,
      itemsFailed: job.itemsFailed,
      warning: job.warning,
      link: `/jobs/${job.id}`,
    };
  },
});

async function waitForJobs(caller: AppCaller, ids: string[], seconds: number, signal?: AbortSignal) {
  let jobs = await Promise.all(ids.map((jobId) => caller.jobs.get({ jobId })));
  await pollUntil(
    async () => {
      jobs = await Promise.all(ids.map((jobId) => caller.jobs.get({ jobId })));
      return jobs.every((j) => TERMINAL.includes(j.status));
    },
    { seconds, signal },
  );
  return jobs;
}

async function allResults(caller: AppCaller, jobId: string, max: number) {
  const items = [];
  for (let offset = 0; offset < max; offset += 500) {
    const page = await caller.jobs.results({ jobId, limit: Math.min(500, max - offset), offset });
    items.push(...page.items);
    if (items.length >= page.total) break;
  }
  return items;
}

/** The numeric output field two models are compared on: the one asked for, else one both have, else each one's first. */
function numericOutputs(schema: Record<string, unknown>): string[] {
  const props = (schema.properties ?? {}) as Record<string, { type?: string }>;
  return Object.entries(props).filter(([, p]) => p.type === 'number' || p.type === 'integer').map(([k]) => k);
}

export const compareModels = defineTool({
  name: 'compare_models',
  title: 'Compare two models',
  description:
    'Run two models on the same molecules and compare a numeric output: paired values per molecule, mean absolute and RMS difference, Pearson r, the largest disagreements. Name the field of each model (fieldA, fieldB) or let it pick a field both have.',
  kind: 'run',
  input: z.object({
    modelA: ZModelRef,
    modelB: ZModelRef,
    inputs: z.array(z.record(z.string(), z.unknown())).min(1).max(1000, 'compare on at most 1,000 molecules; submit screens for more'),
    fieldA: z.string().max(100).optional(),
    fieldB: z.string().max(100).optional(),
    waitSeconds: z.number().int().min(1).max(600).default(120),
  }),
  plan: async (input) => [
    { model: input.modelA, items: input.inputs.length },
    { model: input.modelB, items: input.inputs.length },
  ],
  async run(input, { caller, callKey, signal }) {
    const [a, b] = await Promise.all([
      caller.jobs.create({ model: input.modelA, inputs: input.inputs, label: `compare with ${input.modelB}`, idempotencyKey: `${callKey}:a` }),
      caller.jobs.create({ model: input.modelB, inputs: input.inputs, label: `compare with ${input.modelA}`, idempotencyKey: `${callKey}:b` }),
    ]);
    const [modelA, modelB] = await Promise.all([caller.models.get({ slug: a.model }), caller.models.get({ slug: b.model })]);
    const schemaOf = (m: typeof modelA, v: number) => m.versions.find((x) => x.version === v)?.outputSchema ?? {};
    const fieldsA = numericOutputs(schemaOf(modelA, a.version));
    const fieldsB = numericOutputs(schemaOf(modelB, b.version));
    const shared = fieldsA.find((f) => fieldsB.includes(f));
    const fieldA = input.fieldA ?? shared ?? fieldsA[0];
    const fieldB = input.fieldB ?? shared ?? fieldsB[0];
    if (!fieldA || !fieldB) return { error: { code: 'INVALID_INPUT' as const, message: `no numeric output to compare: ${a.model} has ${fieldsA.join(', ') || 'none'}, ${b.model} has ${fieldsB.join(', ') || 'none'}` } };
    const jobs = await waitForJobs(caller, [a.id, b.id], input.waitSeconds, signal);
    const handles = [
      { model: `${a.model}@${a.version}`, field: fieldA, jobId: a.id, status: jobs[0].status, link: `/jobs/${a.id}` },
      { model: `${b.model}@${b.version}`, field: fieldB, jobId: b.id, status: jobs[1].status, link: `/jobs/${b.id}` },
    ];
    if (!jobs.every((j) => TERMINAL.includes(j.status))) {
      return { finished: false, jobs: handles, message: `the jobs are still running after ${input.waitSeconds} s; call compare_models again with the same inputs later, or follow them with job_status` };
    }
    const [ra, rb] = await Promise.all([allResults(caller, a.id, input.inputs.length), allResults(caller, b.id, input.inputs.length)]);
    const byIndex = new Map(rb.map((r) => [r.index, r]));
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const pairs = ra.map((r) => ({ index: r.index, molecule: moleculeOf(r.input), a: num(r.output?.[fieldA]), b: num(byIndex.get(r.index)?.output?.[fieldB]) }));
    return { finished: true, jobs: handles, ...compareValues(pairs) };
  },
});

export const evaluateModel = defineTool({
  name: 'evaluate_model',
  title: 'Evaluate a model',
  description:
    "Run a model (or consensus) on every molecule of a measured dataset (see list_datasets) as a job, to compare predictions with the measurements. Returns the evaluation's id; read its metrics (RMSE, MAE, R²) with evaluation_metrics.",
  kind: 'run',
  input: z.object({ model: z.string().min(2).max(200), datasetId: z.uuid(), outputField: z.string().max(200).optional() }),
  async plan(input, { caller }) {
    const dataset = (await caller.datasets.list()).find((d) => d.id === input.datasetId);
    return [{ model: input.model, items: dataset?.rowCount ?? 1 }];
  },
  async run(input, { caller }) {
    const { id, jobId } = await caller.evaluations.create(input);
    return { evaluationId: id, jobId, link: `/evaluations/${id}` };
  },
});
