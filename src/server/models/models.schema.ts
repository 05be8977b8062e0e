import { z } from 'zod';
import { MAX_VERSION_NUMBER, RESERVED_SLUGS, SLUG_PATTERN } from '../../shared/model-ref';
import { schemaProblem } from '../chem/json-schema';
import { inputLimits, LIMIT_ENV } from '../limits';
import { safeJsonObject, safeName, safeText } from '../safe-input';

/** A version's input or output JSON Schema: compiled at registration, so every problem is a 400 naming it. */
export function ZVersionJsonSchema(which: 'inputSchema' | 'outputSchema') {
  return z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
    const problem = schemaProblem(schema, which);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export const ZSlug = z.string().regex(SLUG_PATTERN, 'slug: letters, digits and dashes, 2–63 characters, e.g. logS-consensus');
/** A slug for a new model: also not one of the reserved page names ("new" is the wizard's address, /models/new). */
export const ZNewSlug = ZSlug.refine((v) => !RESERVED_SLUGS.includes(v.toLowerCase()), {
  message: `this slug is reserved (${RESERVED_SLUGS.join(', ')}); choose another one`,
});

/** How long a version may let one task run: 100 ms up to GATEWAY_MAX_TIMEOUT_MS (10 minutes by default). */
export const ZTimeoutMs = z
  .number()
  .int()
  .min(100, 'at least 100 ms')
  .superRefine((v, ctx) => {
    const max = inputLimits().maxTimeoutMs;
    if (v > max) ctx.addIssue({ code: 'custom', message: `${v} ms is longer than the limit of ${max} ms (${LIMIT_ENV.maxTimeoutMs})` });
  });

const ZArgs = z.array(safeText(4096).min(1)).max(64, 'at most 64 arguments');
const ZEnv = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'environment names are letters, digits and _'), safeText(4096, { multiline: true }))
  .refine((e) => Object.keys(e).length <= 64, 'at most 64 environment variables');

/** A bundle's content digest, as `POST /api/bundles` answers it. */
export const ZBundleDigest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'bundle: a digest "sha256:<64 hex digits>", as the bundle upload answered it');

/** Sandbox limits beyond `resources.memoryMb`; each is capped by the worker's own maximum. */
export const ZSandboxLimits = z.object({
  /** Processes and threads the model may run at once (RLIMIT_NPROC). */
  processes: z.number().int().min(8).max(4096).optional(),
  /** Open files per process (RLIMIT_NOFILE). */
  openFiles: z.number().int().min(16).max(65_536).optional(),
  /** CPU seconds one warm process may use over its life; it is replaced before it reaches them. */
  cpuSeconds: z.number().int().min(10).max(86_400).optional(),
  /** Size of the private /tmp. */
  tmpMb: z.number().int().min(1).max(16_384).optional(),
});

export const ZProcessRuntime = z.object({
  kind: z.literal('process'),
  /** argv of the model program; the first element is looked up on PATH (/usr/bin:/bin in the sandbox). */
  command: ZArgs.min(1),
  /**
   * The bundle holding the program (its digest). It runs sandboxed from there, read-only. Without a
   * bundle the command is a program on the worker host, which only admins may register.
   */
  bundle: ZBundleDigest.optional(),
  /** With a bundle: a folder inside it (default its root). Without: a folder on the worker, relative to the gateway's root or absolute. */
  cwd: safeText(1024).optional(),
  /** The model's whole environment, besides PATH, HOME, LANG and OMP_NUM_THREADS. */
  env: ZEnv.optional(),
  /** Asks for network access; the sandbox grants it only once an admin has allowed it for the version. */
  network: z.boolean().optional(),
  limits: ZSandboxLimits.optional(),
  /**
   * A training mode (fit-predict): the same bundle started with `command` takes the training set as
   * its first item, `{"train": [{"input": {…}, "target": number}, …], "field": "…"}`, learns it, and
   * answers later items with what it learnt. Cross-validated evaluations retrain the model per fold
   * this way, in the sandbox. `timeoutMs` bounds the training item (default 10 minutes).
   */
  training: z.object({ command: ZArgs.min(1), timeoutMs: z.number().int().min(1000).max(3_600_000).optional() }).optional(),
});
export type TProcessRuntime = z.infer<typeof ZProcessRuntime>;

/** A model already served elsewhere over HTTP. */
export const ZHttpRuntime = z.object({
  kind: z.literal('http'),
  /** Base URL of the server, e.g. http://10.0.0.5:8080 */
  url: z.url().max(2048),
  /**
   * `oip-v2`: the Open Inference Protocol v2 (KServe, Triton, MLServer): `/v2/models/{model}/infer`.
   * `json`: a plain JSON POST to `url`, `{"instances":[…]}` in, `{"predictions":[…]}` out.
   */
  protocol: z.enum(['oip-v2', 'json']),
  /** The served model's name (oip-v2). */
  model: safeText(200).min(1).optional(),
  headers: z
    .record(safeText(200).min(1), safeText(8192))
    .refine((h) => Object.keys(h).length <= 32, 'at most 32 headers')
    .optional(),
}).refine((r) => r.protocol !== 'oip-v2' || !!r.model, {
  message: 'an Open Inference Protocol runtime needs "model": the name the server serves it under',
  path: ['model'],
});

/** A container image for the Kubernetes executor (stored now, run by that executor's issue). */
export const ZKubernetesRuntime = z.object({
  kind: z.literal('kubernetes'),
  image: safeText(512).min(1),
  command: ZArgs.optional(),
  env: ZEnv.optional(),
});

/** One member of a consensus: a model version or alias, and the output field it contributes. */
export const ZConsensusMember = z.object({
  /** `slug@3` or `slug@production`; resolved when a job starts, so a running job never changes. */
  ref: safeText(200).min(2),
  field: safeText(100).min(1),
  /** Key of this member in results; defaults to the slug. */
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/).optional(),
  weight: z.number().positive().optional(),
  /** Linear transform to common units: value × scale + offset. */
  scale: z.number().optional(),
  offset: z.number().optional(),
});
export type TConsensusMember = z.infer<typeof ZConsensusMember>;

/** A model aggregated on the fly from other models. */
export const ZConsensusRuntime = z.object({
  kind: z.literal('consensus'),
  members: z.array(ZConsensusMember).min(2, 'a consensus needs at least two members').max(20),
  strategy: safeText(100).min(1),
  params: safeJsonObject().default({}),
  /** The least number of members that must succeed for an item. */
  quorum: z.number().int().min(1),
  /** Name of the consensus value in the output. */
  outputField: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,40}$/).default('value'),
});
export type TConsensusRuntime = z.infer<typeof ZConsensusRuntime>;

export const ZRuntimeSpec = z.discriminatedUnion('kind', [ZProcessRuntime, ZHttpRuntime, ZKubernetesRuntime, ZConsensusRuntime]);
export type TRuntimeSpec = z.infer<typeof ZRuntimeSpec>;
export type THttpRuntime = z.infer<typeof ZHttpRuntime>;

export const ZResources = z.object({
  cpu: z.number().positive().max(1024).optional(),
  memoryMb: z.number().int().positive().max(16 * 1024 * 1024).optional(),
  gpu: z.object({ count: z.number().int().min(0).max(64), type: safeText(100).optional() }).optional(),
});

/** The manifest file (`model.json`) beside a model's code. */
export const ZModelManifest = z.object({
  slug: ZNewSlug,
  name: safeName(120, 'give the model a name'),
  version: z.number().int().positive().max(MAX_VERSION_NUMBER),
  task: safeName(120, 'say what the model does, e.g. property/logS'),
  description: safeText(4000, { multiline: true }).default(''),
  tags: z.array(safeName(40, 'a tag cannot be empty')).max(20, 'at most 20 tags').default([]),
  runtime: ZRuntimeSpec,
  /** Derived from the members for a consensus; required for every other runtime. */
  inputSchema: ZVersionJsonSchema('inputSchema').default({}),
  outputSchema: ZVersionJsonSchema('outputSchema').default({}),
  resources: ZResources.default({}),
  batchSize: z.number().int().min(1).max(10_000).default(50),
  timeoutMs: ZTimeoutMs.default(60_000),
  example: safeJsonObject().optional(),
  /** Programs that must be on PATH; a built-in whose programs are missing is skipped at seeding. */
  requires: z.array(safeText(200).min(1)).max(20).default([]),
  /** Where the version came from (training data digest, code, hyper-parameters, fitting); recorded on the version. */
  provenance: z.record(z.string(), z.unknown()).optional(),
  /** False for a model whose outputs are not a function of its input (random seeds): never answer repeated inputs from the result cache. Default true. */
  cache: z.boolean().optional(),
}).superRefine((m, ctx) => {
  if (m.runtime.kind === 'consensus') return;
  for (const key of ['inputSchema', 'outputSchema'] as const) {
    if (Object.keys(m[key]).length === 0) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required: a JSON Schema of the model's ${key === 'inputSchema' ? 'input' : 'output'}` });
  }
});
export type TModelManifest = z.infer<typeof ZModelManifest>;

export const ZListModelsInput = z.object({
  search: safeText(200).optional(),
  task: safeText(200).optional(),
  tag: safeText(100).optional(),
  /** `me`, or an owner's email. */
  owner: safeText(200).optional(),
  /** `published`: has a runnable version; `draft`: has only drafts; `deprecated`: every published version is deprecated. */
  status: z.enum(['published', 'draft', 'deprecated']).optional(),
  limit: z.number().int().min(1).max(100).default(24),
  offset: z.number().int().min(0).default(0),
});
export type TListModelsInput = z.infer<typeof ZListModelsInput>;

/** `slug`, `slug@3`, or `slug@latest`. */
export const ZModelRef = safeText(200).min(2);

export const ZPredictInput = z.object({
  model: ZModelRef,
  // Checked item by item in prepareInputs (depth, size, text), which names the field.
  input: z.record(z.string(), z.unknown()),
  /** A retry with the same key returns the first prediction's job instead of running again. */
  idempotencyKey: z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'idempotencyKey: up to 255 printable ASCII characters without spaces').optional(),
});
