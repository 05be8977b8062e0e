import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../../src/server/api/root';
import type { UploadedBundle } from '../../../src/shared/bundles';
import type { ReceivedUpload } from '../../../src/server/uploads/uploads.types';
import { resultsSearchParams, type ResultRange, type ResultSort, type ResultStatus } from '../../../src/shared/results-query';
import { parseInputs, type ParsedInputs } from './inputs';
export type { UploadedBundle, ReceivedUpload };
export { parseInputs, type ParsedInputs };

export type GatewayInputs = inferRouterInputs<AppRouter>;
export type GatewayOutputs = inferRouterOutputs<AppRouter>;
export type Job = GatewayOutputs['jobs']['get'];
export type JobResult = GatewayOutputs['jobs']['results']['items'][number];
export type ModelSummary = GatewayOutputs['models']['list']['items'][number];
export type Prediction = GatewayOutputs['models']['predict'];
export type ModelManifest = GatewayInputs['models']['registerManifest']['manifest'];
/** An uploaded file as `uploads.get` shows it: counts, a preview, a page of bad rows, an estimate. */
export type UploadView = GatewayOutputs['uploads']['get'];

/**
 * A file of molecules to upload, streamed as it is read (never held whole in memory): a path
 * (Node only), a Node `Readable`, a web `ReadableStream` or a `Blob`/`File`.
 */
export type UploadSource = string | Blob | ReadableStream<Uint8Array> | import('node:stream').Readable;

export interface UploadOptions {
  /** The file's name; its extension (`.gz` aside) gives the format. Defaults to a path's own name. */
  filename?: string;
  format?: 'csv' | 'tsv' | 'smi' | 'sdf';
  /** The header column (SDF: data field) holding each molecule's id; found by its name when not given. */
  idColumn?: string;
  /** The header column holding the SMILES; found by its name when not given. */
  smilesColumn?: string;
}

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

/** A non-2xx answer of the gateway's plain HTTP routes (`{ error: { message, appCode } }`) as a GatewayError. */
async function httpError(res: Response, what: string): Promise<GatewayError> {
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; appCode?: string } };
  return new GatewayError(body.error?.appCode ?? 'UNAVAILABLE', body.error?.message ?? `${what} answered HTTP ${res.status}`, res.status);
}

/** The request body and the default filename of an upload's source; a path is opened as a stream. */
async function uploadBody(source: UploadSource): Promise<{ body: BodyInit; name?: string }> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) return { body: source, name: (source as { name?: string }).name || undefined };
  if (typeof source === 'string') {
    const [{ createReadStream }, { stat }, { Readable }, path] = await Promise.all([import('node:fs'), import('node:fs/promises'), import('node:stream'), import('node:path')]);
    const info = await stat(source).catch(() => null);
    if (!info?.isFile()) throw new GatewayError('INVALID_INPUT', `cannot read ${source}: no such file`);
    return { body: Readable.toWeb(createReadStream(source)) as unknown as BodyInit, name: path.basename(source) };
  }
  if (typeof (source as ReadableStream).getReader === 'function') return { body: source as ReadableStream<Uint8Array> };
  const { Readable } = await import('node:stream');
  return { body: Readable.toWeb(source as import('node:stream').Readable) as unknown as BodyInit };
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
      if (!r.ok) throw await httpError(r, 'the download');
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

  /**
   * POST /api/uploads with the file as the body, streamed (a path, a Node Readable, a web
   * ReadableStream or a Blob). Not retried: a stream cannot be sent twice. Answers the upload's
   * id and counts (`rowsTotal`, `rowsBad`) and the columns its SMILES and ids were read from.
   */
  async function createUpload(source: UploadSource, o: UploadOptions = {}): Promise<ReceivedUpload> {
    const { body, name } = await uploadBody(source);
    const filename = o.filename ?? name;
    if (!filename) throw new GatewayError('INVALID_INPUT', 'filename: name the file (e.g. library.csv.gz); its extension gives the format');
    const params = new URLSearchParams({ filename });
    for (const key of ['format', 'idColumn', 'smilesColumn'] as const) if (o[key]) params.set(key, o[key]);
    const doFetch = opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(`${opts.url.replace(/\/$/, '')}/api/uploads?${params}`, {
        method: 'POST',
        headers: { ...headers(), 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      } as RequestInit);
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      throw new GatewayError('UNAVAILABLE', `could not send the file to the gateway at ${opts.url}: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}`);
    }
    if (!res.ok) throw await httpError(res, 'the upload');
    return (await res.json()) as ReceivedUpload;
  }

  const uploads = {
    create: createUpload,
    /** An upload's counts, its first good rows, a page of bad rows by line (after `badAfterLine`) and, for `model`, an estimate. */
    get: (uploadId: string, o: { model?: string; badAfterLine?: number; badLimit?: number } = {}) =>
      retrying(() => trpc.uploads.get.query({ uploadId, ...o })),
    /** Runs an upload on a model as one job (an upload runs once); `params` are further inputs every item gets. */
    submit: (uploadId: string, o: { model: string; label?: string; params?: Record<string, unknown> }) => call(trpc.uploads.submit.mutate({ uploadId, ...o })),
  };

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
     * Files of molecules (CSV, TSV, SMILES, SDF, gzipped or not, up to 10,000,000 rows): `create`
     * streams one to the gateway, `get` previews it (bad rows by line), `submit` runs it as one job.
     */
    uploads,
    /**
     * Uploads a file (streamed, see `uploads.create`) and runs it on `model` as one job; answers the
     * job (wait on it with `jobs.wait`, read it with `results`; each result keeps the file's id as `externalId`).
     */
    async screenFile(source: UploadSource, o: UploadOptions & { model: string; label?: string; params?: Record<string, unknown> }) {
      const upload = await createUpload(source, o);
      return uploads.submit(upload.uploadId, { model: o.model, label: o.label, params: o.params });
    },
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
