import { taskEnqueueOptions } from '../jobs/fair-share';
import { audit } from '../audit/audit.service';
import { estimateCost } from '../cost/estimate.service';
import { readPricing } from '../cost/pricing';
import { poolOf, type DbOrTx } from '../db/client';
import type { UploadFormat } from '../db/types';
import type { Deps } from '../deps';
import { AppError, isAppError } from '../errors';
import { estimateRun } from '../jobs/estimate.service';
import * as jobsRepo from '../jobs/jobs.repository';
import { chargedTeam } from '../jobs/jobs.service';
import type { Job } from '../jobs/jobs.types';
import { usesCache } from '../jobs/result-cache';
import { rawKeyPrefix } from '../jobs/result-cache.repository';
import { resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import { enqueueMany } from '../queue/boss';
import { precheckQuota, quotaSubjects } from '../quotas/quotas.service';
import type { Viewer } from '../users/viewer';
import { emitJobEvents } from '../webhooks/events';
import { parseRows, type ParseSummary } from './parse';
import { fileBytes, uploadLimits, type UploadLimits } from './receive';
import { uploadField } from './raw-items';
import * as repo from './uploads.repository';
import type { TGetUploadInput, TReceiveUploadInput, TSubmitUploadInput } from './uploads.schema';
import type { ReceivedUpload, Upload, UploadView } from './uploads.types';

const EXTENSIONS: Record<string, UploadFormat> = { csv: 'csv', tsv: 'tsv', tab: 'tsv', smi: 'smi', smiles: 'smi', ism: 'smi', can: 'smi', sdf: 'sdf', sd: 'sdf', mol: 'sdf' };

/** The format named, else the one the file's extension says (`.gz` aside). */
export function formatOf(filename: string, given?: UploadFormat): UploadFormat {
  if (given) return given;
  const ext = filename.toLowerCase().replace(/\.gz$/, '').split('.').pop() ?? '';
  const format = EXTENSIONS[ext];
  if (!format) throw new AppError('INVALID_INPUT', `format: cannot tell the format of "${filename}" from its name; add ?format=csv, tsv, smi or sdf`, { field: 'format' });
  return format;
}

/**
 * Receives a file as it streams in: decompressed if gzipped, parsed row by row and copied into
 * `upload_rows` without the file ever being held in memory. Bad rows are kept with their line and
 * reason; a file past a limit fails as a whole (PAYLOAD_TOO_LARGE naming it) and keeps no rows.
 */
export async function receiveUpload(
  { db }: Pick<Deps, 'db'>,
  viewer: Viewer,
  input: TReceiveUploadInput & { body: AsyncIterable<Uint8Array> | null },
  limits: UploadLimits = uploadLimits(),
): Promise<ReceivedUpload> {
  if (!input.body) throw new AppError('INVALID_INPUT', 'send the file as the request body');
  const format = formatOf(input.filename, input.format);
  const id = await repo.insertUpload(db, { ownerId: viewer.id, filename: input.filename, format });
  const seen = { bytes: 0, gzip: false };
  const summary: ParseSummary = { rowsTotal: 0, rowsBad: 0, idColumn: null, smilesColumn: null };
  try {
    const rows = parseRows(fileBytes(input.body, limits, seen), { format, smilesColumn: input.smilesColumn, idColumn: input.idColumn, maxRows: limits.maxRows }, summary);
    await repo.copyRows(poolOf(db), id, rows);
  } catch (e) {
    const err = uploadError(e);
    await repo.finishUpload(db, id, { status: 'failed', ...summary, ...seen, error: `${err.code}: ${err.message}` });
    throw err;
  }
  if (summary.rowsTotal === 0) {
    const err = new AppError('INVALID_INPUT', `the file holds no molecules: expected ${format === 'sdf' ? 'SDF records ending in "$$$$"' : format === 'smi' ? 'lines of "SMILES [id]"' : 'a header with a SMILES column and rows under it'}`);
    await repo.finishUpload(db, id, { status: 'failed', ...summary, ...seen, error: `${err.code}: ${err.message}` });
    throw err;
  }
  await repo.finishUpload(db, id, { status: 'ready', ...summary, ...seen });
  const answer: ReceivedUpload = { uploadId: id, format, gzip: seen.gzip, ...summary };
  await audit(db, viewer, { action: 'upload.create', entity: { type: 'upload', id }, after: { filename: input.filename, ...answer } });
  return answer;
}

/** What the stream threw, as the error the caller is given: a broken .gz is their file's fault. */
function uploadError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const err = e as { code?: string; message?: string };
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) {
    return new AppError('INVALID_INPUT', `the file starts like gzip but cannot be decompressed (${err.message}); send it whole, or uncompressed`);
  }
  if (err?.code === 'ERR_STREAM_PREMATURE_CLOSE' || err?.code === 'ECONNRESET' || err?.message === 'aborted') {
    return new AppError('INVALID_INPUT', 'the upload ended before the whole file arrived; send it again');
  }
  throw e;
}

async function ownUpload(db: DbOrTx, viewer: Viewer, uploadId: string, o: { forUpdate?: boolean } = {}): Promise<Upload> {
  const upload = await repo.findOwnUpload(db, viewer.id, uploadId, o);
  if (!upload) throw new AppError('NOT_FOUND', `no upload ${uploadId} of yours`);
  return upload;
}

const PREVIEW_ROWS = 20;

/** An upload, its first good rows, a page of its bad rows and, for a model, an estimate of running it. Only its owner sees it. */
export async function getUpload(deps: Pick<Deps, 'db'>, viewer: Viewer, q: TGetUploadInput): Promise<UploadView> {
  const upload = await ownUpload(deps.db, viewer, q.uploadId);
  const [preview, bad] = await Promise.all([repo.goodRows(deps.db, upload.id, PREVIEW_ROWS), repo.badRows(deps.db, upload.id, q.badAfterLine, q.badLimit + 1)]);
  const more = bad.length > q.badLimit;
  const page = more ? bad.slice(0, q.badLimit) : bad;
  const estimate = q.model && upload.rowsGood > 0 ? await estimateRun(deps, viewer, { model: q.model, items: upload.rowsGood }) : null;
  return { ...upload, preview, bad: { items: page, nextLine: more ? page[page.length - 1].line : null }, estimate };
}

/** The input field an upload's molecules go into: the model's SMILES (or MOL block) field. */
function moleculeField(version: ModelVersion): string {
  const field = uploadField(version);
  if (!((version.inputSchema.properties ?? {}) as Record<string, unknown>)[field]) throw new AppError('INVALID_INPUT', `model: ${version.slug}@${version.version} takes no SMILES input (no field with "format": "smiles"), so a file of molecules cannot be run on it`, { field: 'model' });
  return field;
}

/** Tasks are handed to the queue a page at a time. */
const ENQUEUE_PAGE = 1000;

/**
 * Creates a job from an upload without its rows passing through this process: the job's row and
 * a quota check as createJob makes them (the claim itself is the last step, so the counters are
 * not locked while millions of rows are written), the rows the result cache answers by their raw molecule as
 * results at once, then the other good rows as tasks built in the database (molecules as the file
 * had them, canonicalised by the worker), the bad rows as refused results naming their line, and
 * the tasks enqueued a page at a time: every line ends as one result. A file screened before is
 * over when this returns. One transaction; an upload is submitted once.
 */
export async function submitUpload(deps: Pick<Deps, 'db' | 'boss'>, viewer: Viewer, input: TSubmitUploadInput): Promise<Job> {
  const { db, boss } = deps;
  const found = await ownUpload(db, viewer, input.uploadId);
  const version = await resolveModelRef(db, viewer, input.model);
  if (version.runtime.kind === 'consensus') {
    throw new AppError('INVALID_INPUT', `model: ${version.slug} is a consensus; run an upload on one of its members, or submit up to 100,000 inputs to the consensus with jobs.create`, { field: 'model' });
  }
  const field = moleculeField(version);
  const params = input.params ?? {};
  const pricing = readPricing();
  const teamId = await chargedTeam(db, viewer, version);
  return db.transaction().execute(async (tx) => {
    const upload = await ownUpload(tx, viewer, input.uploadId, { forUpdate: true });
    if (upload.status !== 'ready') {
      throw new AppError('CONFLICT', upload.status === 'used' ? `upload ${upload.id} was already submitted as job ${upload.jobId}; upload the file again for another run` : `upload ${upload.id} is ${upload.status}, not ready to run`);
    }
    const cached =
      upload.rowsGood > 0 && usesCache(version)
        ? await repo.findCachedRows(tx, {
            uploadId: upload.id,
            versionDigest: version.digest,
            prefixes: { smiles: rawKeyPrefix('smiles', field, params), molblock: rawKeyPrefix('molblock', field, params) },
          })
        : 0;
    const toRun = upload.rowsGood - cached;
    // What the rows the cache does not answer will cost; read beside the transaction, so a
    // failure leaves the job without an estimate rather than aborting it.
    const estimate = toRun > 0 ? await estimateCost(db, version, toRun, pricing).catch(() => null) : null;
    const tasksTotal = Math.ceil(toRun / version.batchSize);
    const job = await jobsRepo.insertJob(tx, version, {
      ownerId: viewer.id,
      itemsTotal: upload.rowsTotal,
      itemsDone: cached,
      itemsFailed: upload.rowsBad,
      tasksTotal,
      label: input.label ?? upload.filename,
      teamId,
      // A token's webhooks hear of the jobs made with it, as createJob's.
      tokenId: viewer.auth.kind === 'token' ? viewer.auth.tokenId : null,
      currency: pricing.currency,
      estimate: estimate?.cost != null ? { cpuSeconds: estimate.cpuSeconds!, gpuSeconds: estimate.gpuSeconds!, cost: estimate.cost } : null,
    });
    if (!job) throw new AppError('INTERNAL', 'the job could not be written');
    // Refused before the rows are copied; counted (and the counters locked) only at the end.
    const claim = await precheckQuota(tx, quotaSubjects(viewer, teamId), {
      jobId: job.id,
      items: upload.rowsGood,
      estimate: { cpuSeconds: estimate?.cpuSeconds ?? 0, gpuSeconds: estimate?.gpuSeconds ?? 0 },
      // Answered entirely from the cache (or every row bad), it needs no CPU or GPU at all.
      uses: estimate ? { cpu: estimate.parts.some((p) => p.cpu > 0), gpu: estimate.parts.some((p) => p.gpu > 0) } : toRun > 0 ? { cpu: true, gpu: true } : { cpu: false, gpu: false },
    });
    if (cached) await repo.insertCachedResults(tx, { jobId: job.id, versionDigest: version.digest, field, params });
    if (upload.rowsBad) await repo.insertRefusedResults(tx, { jobId: job.id, uploadId: upload.id, firstIndex: upload.rowsGood, versionDigest: version.digest, field });
    if (tasksTotal) {
      await repo.insertTasks(tx, { jobId: job.id, uploadId: upload.id, batchSize: version.batchSize, field, params, skipCached: cached > 0 });
      // The same group and bands as createJob's tasks (fair-share.ts), read once, before any of
      // this job's tasks are on the queue: a file is a screen, fair-shared with other owners'.
      const enqueue = await taskEnqueueOptions(tx, { ownerId: viewer.id, versionId: version.id, itemCount: upload.rowsTotal, jobId: job.id });
      for (let from = 0; ; ) {
        const page = await repo.taskIdsFrom(tx, job.id, from, ENQUEUE_PAGE);
        if (!page.length) break;
        const first = from;
        const { priority: byTask } = enqueue;
        const priority = typeof byTask === 'function' ? (i: number) => byTask(first + i) : byTask;
        await enqueueMany(boss, 'task.run', page.map((t) => ({ taskId: t.id, jobId: job.id })), tx, { ...enqueue, priority });
        from = page[page.length - 1].taskIndex + 1;
      }
    } else {
      // Every row was bad or answered from the cache: the job ended as it was written (a token's
      // webhooks hear it started too when the cache answered, as for any job that ran).
      if (cached) await emitJobEvents(tx, boss, job.id, { kind: 'started' });
      await emitJobEvents(tx, boss, job.id, { kind: 'counted', endedBefore: 0, justFinished: true });
    }
    await repo.markUsed(tx, upload.id, job.id);
    await claim();
    await audit(tx, viewer, {
      action: 'job.create',
      entity: { type: 'job', id: job.id },
      after: { model: `${job.model}@${job.version}`, label: job.label, status: job.status, itemsTotal: job.itemsTotal, itemsFailed: job.itemsFailed, itemsCached: cached, tasksTotal: job.tasksTotal, uploadId: upload.id },
    });
    return job;
  });
}
