import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../src/server/api/root';
import type { UploadedBundle } from '../../../src/shared/bundles';
import { resultsSearchParams, type ResultRange, type ResultSort, type ResultStatus } from '../../../src/shared/results-query';
import { parseInputs, type ParsedInputs } from './inputs';
export type { UploadedBundle };
export { parseInputs, type ParsedInputs };

export type GatewayInputs = inferRouterInputs<AppRouter>;
export type GatewayOutputs = inferRouterOutputs<AppRouter>;
export type Job = GatewayOutputs['jobs']['get'];
export type JobResult = GatewayOutputs['jobs']['results']['items'][number];
export type ModelSummary = GatewayOutputs['models']['list']['items'][number];
export type Prediction = GatewayOutputs['models']['predict'];
export type ModelManifest = GatewayInputs['models']['registerManifest']['manifest'];

/** Progress of a screen across its jobs (one per 100,000 inputs). */
export interface ScreenProgress {
  total: number;
  done: number;
  failed: number;
  jobs: Job[];
}

/** Most inputs in one job (the gateway's limit); a larger screen is split into several jobs. */
export const MAX_ITEMS_PER_JOB = 100_000;

/** A consensus of other models, registered like any model and then called like one. */
export interface ConsensusSpec {
  slug: string;
  name: string;
  task: string;
  description?: string;
  tags?: string[];
  /** `slug`, `slug@3` or `slug@production`, and the output field each contributes. */
  members: { ref: string; field: string; name?: string; weight?: number; scale?: number; offset?: number }[];
  /** `mean`, `weighted-mean`, `median`, `trimmed-mean`, `majority-vote`, … (GET /api/v1/consensus/strategies). */
  strategy: string;
  params?: Record<string, unknown>;
  /** Members that must succeed for an item; all of them by default. */
  quorum?: number;
  outputField?: string;
  example?: Record<string, unknown>;
  version?: number;
}

/** Which results, in which order (`jobs.results`'s filters). */
export interface ResultsOptions {
  status?: ResultStatus | ResultStatus[];
  ranges?: ResultRange[];
  sort?: ResultSort;
  /** Resume after a page (a `nextCursor` from `jobs.results`). */
  cursor?: string;
  /** Results a page, at most 1,000 (default 500). */
  limit?: number;
  /** The same as `limit` (kept for older callers). */
  pageSize?: number;
}

export interface DownloadOptions {
  format?: 'csv' | 'sdf';
  status?: ResultStatus | ResultStatus[];
  ranges?: ResultRange[];
  sort?: ResultSort;
}

export interface GatewayClientOptions {
  /** Base URL of the gateway, e.g. http://localhost:3000 */
  url: string;
  /** An API token from the settings page (`mgw_…`). */
  token: string;
  fetch?: typeof fetch;
  /**
   * Retries of calls that are safe to repeat (reads, and submissions and predictions, which carry
   * an idempotency key) when the gateway cannot be reached or answers UNAVAILABLE. Default 8.
   */
  retries?: number;
}

/** The error every SDK call throws: `code` is the gateway's error code (INVALID_INPUT, NOT_FOUND, …). */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

function toGatewayError(e: unknown): unknown {
  if (e instanceof TRPCClientError) {
    const data = e.data as { appCode?: string; httpStatus?: number } | undefined;
    // No answer at all (refused, reset, a proxy's error page): the gateway is unavailable.
    if (!data?.appCode) return new GatewayError('UNAVAILABLE', `the gateway could not be reached or did not answer: ${e.message}`, data?.httpStatus);
    return new GatewayError(data.appCode, e.message, data.httpStatus);
  }
  return e;
}

function wrap(e: unknown): never {
  throw toGatewayError(e);
}

/** A fresh idempotency key: repeating a call with it can never create a second job. */
function newKey(): string {
  return globalThis.crypto.randomUUID();
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** A typed client for the gateway: every input and output type comes from the server's router. */
export function createGatewayClient(opts: GatewayClientOptions) {
  const url = `${opts.url.replace(/\/$/, '')}/api/trpc`;
  // The gateway records calls that name themselves as the SDK's under the `sdk` channel of its audit log.
  const headers = () => ({ authorization: `Bearer ${opts.token}`, 'x-gateway-client': 'sdk' });
  const trpc = createTRPCClient<AppRouter>({
    links: [
      // Job submissions can be large: send them alone rather than in a batch.
      splitLink({
        condition: (op) => op.path === 'jobs.create',
        true: httpLink({ url, headers, fetch: opts.fetch }),
        false: httpBatchLink({ url, headers, fetch: opts.fetch, maxItems: 10 }),
      }),
    ],
  });
  const call = <T>(p: Promise<T>) => p.catch(wrap);
  /** Calls `fn` again with backoff while the gateway is unavailable; `fn` must be safe to repeat. */
  const retrying = async <T>(fn: () => Promise<T>): Promise<T> => {
    const attempts = (opts.retries ?? 8) + 1;
    for (let attempt = 1, delay = 200; ; attempt++, delay = Math.min(delay * 2, 5000)) {
      try {
        return await fn();
      } catch (e) {
        const err = toGatewayError(e);
        if (!(err instanceof GatewayError) || err.code !== 'UNAVAILABLE' || attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
      }
    }
  };

  /** Polls until the job ends; `onProgress` sees every state on the way. */
  async function waitFor(jobId: string, o: { timeoutMs?: number; intervalMs?: number; onProgress?: (job: Job) => void } = {}): Promise<Job> {
    const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
    let interval = 100;
    for (;;) {
      const job = await retrying(() => trpc.jobs.get.query({ jobId }));
      o.onProgress?.(job);
      if (TERMINAL.has(job.status)) return job;
      if (Date.now() > deadline) throw new GatewayError('TIMEOUT', `job ${jobId} still ${job.status} after waiting`);
      await new Promise((r) => setTimeout(r, interval));
      interval = Math.min(o.intervalMs ?? 2000, interval * 1.5);
    }
  }

  /** Every result of a job matching the filters, in the asked order, page by page (keyset: none skipped or repeated). */
  async function* allResults(jobId: string, options: ResultsOptions | number = {}): AsyncGenerator<JobResult> {
    const o = typeof options === 'number' ? { pageSize: options } : options;
    let cursor = o.cursor;
    for (;;) {
      const page = await retrying(() =>
        trpc.jobs.results.query({ jobId, status: o.status, ranges: o.ranges, sort: o.sort, cursor, limit: o.limit ?? o.pageSize ?? 500 }),
      );
      yield* page.items;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /**
   * A job's results as a CSV or SDF file, streamed: `to` writes it to that path (Node) and answers
   * how many bytes; without it, answers the response body to read as it arrives.
   */
  async function download(jobId: string, o: DownloadOptions & { to: string }): Promise<{ path: string; bytes: number; rows: number }>;
  async function download(jobId: string, o?: DownloadOptions): Promise<{ body: ReadableStream<Uint8Array>; rows: number; filename: string }>;
  async function download(
    jobId: string,
    o: DownloadOptions & { to?: string } = {},
  ): Promise<{ path: string; bytes: number; rows: number } | { body: ReadableStream<Uint8Array>; rows: number; filename: string }> {
    const params = resultsSearchParams({ status: typeof o.status === 'string' ? [o.status] : o.status, ranges: o.ranges, sort: o.sort });
    params.set('format', o.format ?? 'csv');
    const doFetch = opts.fetch ?? fetch;
    const res = await retrying(async () => {
      let r: Response;
      try {
        r = await doFetch(`${opts.url.replace(/\/$/, '')}/api/jobs/${encodeURIComponent(jobId)}/results?${params}`, { headers: headers() });
      } catch (e) {
        throw new GatewayError('UNAVAILABLE', `could not reach the gateway at ${opts.url}: ${(e as Error).message}`);
      }
      if (!r.ok) {
        const body = (await r.json().catch(() => ({}))) as { error?: { message?: string; appCode?: string } };
        throw new GatewayError(body.error?.appCode ?? 'UNAVAILABLE', body.error?.message ?? `the download answered HTTP ${r.status}`, r.status);
      }
      return r;
    });
    const rows = Number(res.headers.get('x-result-rows') ?? NaN);
    const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `results.${o.format ?? 'csv'}`;
    if (!o.to) return { body: res.body!, rows, filename };
    const [{ createWriteStream }, { Readable }, { pipeline }] = await Promise.all([import('node:fs'), import('node:stream'), import('node:stream/promises')]);
    const out = createWriteStream(o.to);
    await pipeline(Readable.fromWeb(res.body! as import('node:stream/web').ReadableStream), out);
    return { path: o.to, bytes: out.bytesWritten, rows };
  }

  /** POST /api/bundles with the bytes (or a packed folder, or an archive file). */
  async function uploadBundle(source: Uint8Array | string): Promise<UploadedBundle> {
    const bytes = typeof source === 'string' ? await bundleBytes(source) : source;
    const doFetch = opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(`${opts.url.replace(/\/$/, '')}/api/bundles`, {
        method: 'POST',
        headers: { ...headers(), 'content-type': 'application/octet-stream' },
        body: bytes as BodyInit,
      });
    } catch (e) {
      throw new GatewayError('UNAVAILABLE', `could not reach the gateway at ${opts.url}: ${(e as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as Partial<UploadedBundle> & { error?: { message?: string; appCode?: string } };
    if (!res.ok) throw new GatewayError(body.error?.appCode ?? 'UNAVAILABLE', body.error?.message ?? `the bundle upload answered HTTP ${res.status}`, res.status);
    return body as UploadedBundle;
  }

  return {
    /** The raw tRPC client, for procedures without a helper here. */
    trpc,
    me: () => call(trpc.me.get.query()),
    models: {
      list: (input: GatewayInputs['models']['list'] = {}) => call(trpc.models.list.query(input)),
      get: (slug: string) => call(trpc.models.get.query({ slug })),
      /** One molecule, answered when the model has run. Retried with the same idempotency key while the gateway is unavailable. */
      predict: (model: string, input: Record<string, unknown>, o: { idempotencyKey?: string } = {}) => {
        const idempotencyKey = o.idempotencyKey ?? newKey();
        return retrying(() => trpc.models.predict.mutate({ model, input, idempotencyKey }));
      },
    },
    jobs: {
      /** Creates a job; retried with the same idempotency key while the gateway is unavailable, so it is created once. */
      submit: (input: GatewayInputs['jobs']['create']) => {
        const withKey = { ...input, idempotencyKey: input.idempotencyKey ?? newKey() };
        return retrying(() => trpc.jobs.create.mutate(withKey));
      },
      get: (jobId: string) => retrying(() => trpc.jobs.get.query({ jobId })),
      list: (input: GatewayInputs['jobs']['list'] = {}) => call(trpc.jobs.list.query(input)),
      results: (input: GatewayInputs['jobs']['results']) => call(trpc.jobs.results.query(input)),
      cancel: (jobId: string) => call(trpc.jobs.cancel.mutate({ jobId })),
      /** Polls until the job ends; `onProgress` sees every state on the way. */
      wait: waitFor,
      /** Every result of a job, page by page. */
      allResults,
      /** The results as a CSV or SDF file (see `download`). */
      download,
    },
    /**
     * Every result of a job matching `status`/`ranges`, sorted by `sort` (an output field, or
     * `index`), page by page: `for await (const r of gateway.results(id, { sort: { field: 'logP', direction: 'desc' } }))`.
     */
    results: (jobId: string, o: ResultsOptions = {}) => allResults(jobId, o),
    /** A job's results as CSV or SDF, streamed: `{ to: path }` writes the file. */
    download,
    /**
     * Screens a library: a file (Node only: `.smi`/`.txt`, `.csv`/`.tsv` with a smiles column, `.jsonl`,
     * `.json`), its text with `fileName`, or inputs; submits it as jobs of at most 100,000 inputs and
     * waits for them, reporting progress. Answers the jobs (read them with `results`) and the names
     * the file gave its inputs.
     */
    async screen(
      model: string,
      source: string | { text: string; fileName?: string } | Record<string, unknown>[],
      o: { label?: string; wait?: boolean; timeoutMs?: number; intervalMs?: number; onProgress?: (p: ScreenProgress) => void } = {},
    ): Promise<{ jobs: Job[]; names: (string | null)[] }> {
      let parsed: ParsedInputs;
      if (Array.isArray(source)) parsed = { inputs: source, names: source.map(() => null) };
      else if (typeof source === 'string') {
        const { readFile } = await import('node:fs/promises');
        const text = await readFile(source, 'utf8').catch((e: Error) => {
          throw new GatewayError('INVALID_INPUT', `cannot read ${source}: ${e.message}`);
        });
        parsed = parseInputs(text, source);
      } else parsed = parseInputs(source.text, source.fileName);
      if (parsed.inputs.length === 0) throw new GatewayError('INVALID_INPUT', 'the library has no inputs');
      const submitted: Job[] = [];
      for (let i = 0; i < parsed.inputs.length; i += MAX_ITEMS_PER_JOB) {
        const inputs = parsed.inputs.slice(i, i + MAX_ITEMS_PER_JOB);
        const part = parsed.inputs.length > MAX_ITEMS_PER_JOB ? ` (${i / MAX_ITEMS_PER_JOB + 1})` : '';
        const job = await retrying(() => trpc.jobs.create.mutate({ model, inputs, label: o.label ? `${o.label}${part}` : undefined, idempotencyKey: newKey() }));
        submitted.push(job as Job);
      }
      if (o.wait === false) return { jobs: submitted, names: parsed.names };
      const latest = new Map<string, Job>(submitted.map((j) => [j.id, j]));
      const report = () => {
        const jobs = [...latest.values()];
        o.onProgress?.({ total: parsed.inputs.length, done: jobs.reduce((a, j) => a + j.itemsDone, 0), failed: jobs.reduce((a, j) => a + j.itemsFailed, 0), jobs });
      };
      report();
      for (const j of submitted) {
        await waitFor(j.id, { timeoutMs: o.timeoutMs, intervalMs: o.intervalMs, onProgress: (job) => (latest.set(job.id, job), report()) });
      }
      return { jobs: [...latest.values()], names: parsed.names };
    },
    consensus: {
      /** Registers (and by default publishes) a consensus of other models; call it like any model afterwards. */
      register: (spec: ConsensusSpec, o: { publish?: boolean; aliases?: string[] } = {}) => {
        const manifest: ModelManifest = {
          slug: spec.slug,
          name: spec.name,
          task: spec.task,
          version: spec.version ?? 1,
          description: spec.description ?? '',
          tags: spec.tags ?? [],
          runtime: {
            kind: 'consensus',
            members: spec.members,
            strategy: spec.strategy,
            params: spec.params ?? {},
            quorum: spec.quorum ?? spec.members.length,
            outputField: spec.outputField ?? 'value',
          },
          ...(spec.example ? { example: spec.example } : {}),
        } as ModelManifest;
        return call(trpc.models.registerManifest.mutate({ manifest, publish: o.publish ?? true, aliases: o.aliases ?? [] }));
      },
      /** The strategies a consensus may use, with what each does. */
      strategies: () => call(trpc.evaluations.strategies.query()),
    },
    tokens: {
      list: () => call(trpc.tokens.list.query()),
    },
    versions: {
      get: (versionId: string) => call(trpc.versions.get.query({ versionId })),
      smokeTest: (versionId: string, input?: Record<string, unknown>) => call(trpc.versions.smokeTest.mutate({ versionId, input })),
      publish: (versionId: string, aliases: string[] = []) => call(trpc.versions.publish.mutate({ versionId, aliases })),
      deprecate: (versionId: string) => call(trpc.versions.deprecate.mutate({ versionId })),
    },
    datasets: {
      list: () => call(trpc.datasets.list.query()),
      /** A CSV with a SMILES column and a measured value. */
      upload: (input: GatewayInputs['datasets']['upload']) => call(trpc.datasets.upload.mutate(input)),
    },
    evaluations: {
      /** Runs a model or consensus on a dataset as an ordinary job (with `folds`, cross-validated too); read it with `get` (or wait on `jobId`). */
      create: (input: GatewayInputs['evaluations']['create']) => call(trpc.evaluations.create.mutate(input)),
      get: (id: string) => call(trpc.evaluations.get.query({ id })),
      /**
       * Publishes the consensus's next version fitted on it: weights (inverse-error) or coefficients (stacking), optionally
       * fewer members, and a calibrated uncertainty; on out-of-fold values when the evaluation was cross-validated (`folds`).
       */
      fit: (id: string, strategy: GatewayInputs['evaluations']['fit']['strategy'], members?: string[]) => call(trpc.evaluations.fit.mutate({ id, strategy, members })),
    },
    /** Points `alias` (e.g. production) at a published version; `null` removes it. */
    setAlias: (slug: string, alias: string, version: number | null) => call(trpc.models.setAlias.mutate({ slug, alias, version })),
    /**
     * Uploads a model bundle (a `.tar.gz` or `.zip` of the model folder, as bytes, or a path to
     * one, or a folder to pack; Node only for paths). Answers its digest and the manifest inside.
     */
    uploadBundle,
    /**
     * Registers a model from its manifest: a folder holding `model.json` (packed and uploaded as a
     * bundle that the model then runs from), a `.tar.gz`/`.zip` of one, or the manifest object
     * (whose process runtime names an uploaded bundle). The example is smoke-tested through the
     * real worker; the version is published when it passes, unless `publish: false`.
     */
    async registerFromManifest(
      source: string | GatewayInputs['models']['registerManifest']['manifest'],
      o: { publish?: boolean; aliases?: string[] } = {},
    ) {
      let manifest: GatewayInputs['models']['registerManifest']['manifest'];
      if (typeof source === 'string') {
        const uploaded = await uploadBundle(source);
        if (!uploaded.manifest) throw new GatewayError('INVALID_INPUT', uploaded.manifestError ?? `${source} has no model.json at its root (or in its one top folder)`);
        manifest = uploaded.manifest as GatewayInputs['models']['registerManifest']['manifest'];
      } else manifest = source;
      return call(trpc.models.registerManifest.mutate({ manifest, publish: o.publish ?? true, aliases: o.aliases ?? [] }));
    },
  };
}


/** A folder packed as a .tar.gz, or the bytes of an archive file (Node only). */
async function bundleBytes(source: string): Promise<Uint8Array> {
  const [{ readFile, stat }, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const full = path.resolve(source);
  const info = await stat(full).catch(() => null);
  if (!info) throw new GatewayError('INVALID_INPUT', `${full} does not exist; give a model folder, or a .tar.gz or .zip of one`);
  if (info.isFile()) return readFile(full);
  const { packBundle } = await import('./pack');
  return packBundle([{ dir: full }]);
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;
