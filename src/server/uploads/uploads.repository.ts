import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DbOrTx } from '../db/client';
import type { UploadFormat, UploadStatus } from '../db/types';
import type { ParsedRow } from './parse';
import { UPLOAD_LOCK_CLASS } from './sweep';
import type { Upload, UploadRow } from './uploads.types';

export async function insertUpload(db: DbOrTx, u: { ownerId: string; filename: string; format: UploadFormat }): Promise<string> {
  const row = await db.insertInto('uploads').values({ owner_id: u.ownerId, filename: u.filename, format: u.format }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

// COPY's text format: a backslash, tab, line feed or carriage return inside a value is escaped.
const SPECIAL = /[\\\t\n\r]/;
const copyText = (v: string | null): string =>
  v === null ? '\\N' : SPECIAL.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;

/**
 * Streams parsed rows into `upload_rows` with one COPY FROM STDIN on a connection of its own:
 * good rows are numbered 0.. in file order as they pass. Backpressure runs from the socket back
 * to the request body, so memory holds a few chunks whatever the file's size. One statement: a
 * failure leaves no rows behind. The connection holds the upload's advisory lock meanwhile, so
 * the sweep (sweep.ts) can tell a file still arriving from one a crash cut off.
 */
export async function copyRows(pool: pg.Pool, uploadId: string, batches: AsyncIterable<ParsedRow[]>): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('select pg_advisory_lock($1::int, hashtext($2::text))', [UPLOAD_LOCK_CLASS, uploadId]);
    const copy = client.query(copyFrom('COPY upload_rows (upload_id, line_no, row_index, external_id, smiles, molblock, error) FROM STDIN'));
    let next = 0;
    const encode = new Transform({
      writableObjectMode: true,
      transform(rows: ParsedRow[], _enc, done) {
        let out = '';
        for (const r of rows) {
          const index = r.error ? '\\N' : String(next++);
          out += `${uploadId}\t${r.line}\t${index}\t${copyText(r.externalId)}\t${copyText(r.smiles)}\t${copyText(r.molblock)}\t${copyText(r.error)}\n`;
        }
        done(null, out);
      },
    });
    await pipeline(Readable.from(batches), encode, copy);
    await client.query('select pg_advisory_unlock($1::int, hashtext($2::text))', [UPLOAD_LOCK_CLASS, uploadId]);
  } catch (e) {
    broken = true;
    throw e;
  } finally {
    // A COPY cut short may leave the connection mid-protocol: it is closed, not reused (and its lock goes with it).
    client.release(broken);
  }
}

export async function finishUpload(
  db: DbOrTx,
  id: string,
  s: { status: Extract<UploadStatus, 'ready' | 'failed'>; rowsTotal: number; rowsBad: number; bytes: number; gzip: boolean; idColumn: string | null; smilesColumn: string | null; error?: string },
): Promise<void> {
  await db
    .updateTable('uploads')
    .set({ status: s.status, rows_total: s.rowsTotal, rows_bad: s.rowsBad, bytes: s.bytes, gzip: s.gzip, id_column: s.idColumn, smiles_column: s.smilesColumn, error: s.error ?? null })
    .where('id', '=', id)
    .execute();
  if (s.status === 'failed') await db.deleteFrom('upload_rows').where('upload_id', '=', id).execute();
}

type UploadRecord = {
  id: string;
  owner_id: string;
  filename: string;
  format: UploadFormat;
  gzip: boolean;
  status: UploadStatus;
  rows_total: number;
  rows_bad: number;
  bytes: number;
  id_column: string | null;
  smiles_column: string | null;
  error: string | null;
  job_id: string | null;
  created_at: Date;
};

function toUpload(r: UploadRecord): Upload {
  return {
    id: r.id,
    ownerId: r.owner_id,
    filename: r.filename,
    format: r.format,
    gzip: r.gzip,
    status: r.status,
    rowsTotal: r.rows_total,
    rowsBad: r.rows_bad,
    rowsGood: r.rows_total - r.rows_bad,
    bytes: Number(r.bytes),
    idColumn: r.id_column,
    smilesColumn: r.smiles_column,
    error: r.error,
    jobId: r.job_id,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** The owner's upload, or undefined (another user's is as missing as one that never was). */
export async function findOwnUpload(db: DbOrTx, ownerId: string, id: string, o: { forUpdate?: boolean } = {}): Promise<Upload | undefined> {
  let q = db.selectFrom('uploads').selectAll().where('id', '=', id).where('owner_id', '=', ownerId);
  if (o.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toUpload(row as UploadRecord);
}

export async function goodRows(db: DbOrTx, uploadId: string, limit: number): Promise<UploadRow[]> {
  const rows = await db
    .selectFrom('upload_rows')
    .select(['line_no', 'row_index', 'external_id', 'smiles', 'molblock', 'error'])
    .where('upload_id', '=', uploadId)
    .where('error', 'is', null)
    .orderBy('row_index')
    .limit(limit)
    .execute();
  return rows.map(toRow);
}

/** Bad rows after `afterLine`, in line order (keyset: the last line is the next page's start). */
export async function badRows(db: DbOrTx, uploadId: string, afterLine: number, limit: number): Promise<UploadRow[]> {
  const rows = await db
    .selectFrom('upload_rows')
    .select(['line_no', 'row_index', 'external_id', 'smiles', 'molblock', 'error'])
    .where('upload_id', '=', uploadId)
    .where('error', 'is not', null)
    .where('line_no', '>', afterLine)
    .orderBy('line_no')
    .limit(limit)
    .execute();
  return rows.map(toRow);
}

function toRow(r: { line_no: number; row_index: number | null; external_id: string | null; smiles: string | null; molblock: string | null; error: string | null }): UploadRow {
  // A MOL block is shown by its title line only: the preview stays small.
  return { line: r.line_no, index: r.row_index, externalId: r.external_id, smiles: r.smiles, molblockTitle: r.molblock === null ? null : r.molblock.split('\n', 1)[0], error: r.error };
}

/**
 * The upload's bad rows as the job's refused results, indexed after its good rows in line order,
 * each naming its line. Runs in the job's transaction.
 */
export async function insertRefusedResults(tx: DbOrTx, o: { jobId: string; uploadId: string; firstIndex: number; versionDigest: string; field: string }): Promise<number> {
  const r = await sql`
    insert into results (job_id, item_index, status, input, submitted, error_code, error, version_digest, external_id)
    select ${o.jobId}::uuid, ${o.firstIndex}::int + (row_number() over (order by line_no))::int - 1, 'failed',
           jsonb_build_object(${o.field}::text, coalesce(smiles, '')), null, 'INVALID_INPUT', error, ${o.versionDigest}, external_id
      from upload_rows where upload_id = ${o.uploadId}::uuid and error is not null
  `.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

/** A good row's raw cache key, computed by the database (result-cache.repository.ts rawKeyPrefix). */
const rawKeySql = (prefixes: { smiles: string; molblock: string }) => sql`encode(sha256(convert_to(
  case when u.smiles is null then ${prefixes.molblock}::text else ${prefixes.smiles}::text end || coalesce(u.smiles, u.molblock), 'UTF8')), 'hex')`;

/** Rows looked up first: a file none of whose first rows is cached is taken as new. */
const PROBE_ROWS = 1000;

/**
 * Finds the upload's good rows the result cache answers by their raw key (the molecule as the
 * file had it), into the transaction's temporary table `upload_hits`, without a row passing
 * through this process. Returns how many. A file whose first 1,000 rows are all unknown is not
 * joined in full (a new library pays no hashing of its every row at submission); should it hold
 * known molecules further on, the worker's own look in the cache still answers them.
 */
export async function findCachedRows(tx: DbOrTx, o: { uploadId: string; versionDigest: string; prefixes: { smiles: string; molblock: string } }): Promise<number> {
  const probe = await sql<{ n: number }>`
    select count(*)::int as n
      from (select smiles, molblock from upload_rows where upload_id = ${o.uploadId}::uuid and error is null order by row_index limit ${PROBE_ROWS}) u
      join result_cache c on c.version_digest = ${o.versionDigest} and c.input_key = ${rawKeySql(o.prefixes)}
     where c.input is not null`.execute(tx);
  if (probe.rows[0].n === 0) return 0;
  await sql`
    create temporary table upload_hits on commit drop as
    select u.row_index, u.external_id, coalesce(u.smiles, u.molblock) as molecule, c.input, c.output, c.source_job_id, c.source_item_index
      from upload_rows u
      join result_cache c on c.version_digest = ${o.versionDigest} and c.input_key = ${rawKeySql(o.prefixes)}
     where u.upload_id = ${o.uploadId}::uuid and u.error is null and c.input is not null
  `.execute(tx);
  await sql`analyze upload_hits`.execute(tx);
  const { count } = (await sql<{ count: number }>`select count(*)::int as count from upload_hits`.execute(tx)).rows[0];
  return count;
}

/**
 * The rows findCachedRows found as the job's results, answered from the cache: the canonical
 * input the entry kept, the file's molecule as submitted, and where the output was first computed.
 */
export async function insertCachedResults(tx: DbOrTx, o: { jobId: string; versionDigest: string; field: string; params: Record<string, unknown> }): Promise<number> {
  const r = await sql`
    insert into results (job_id, item_index, status, input, submitted, output, duration_ms, version_digest, external_id, executor, cached_from)
    select ${o.jobId}::uuid, row_index, 'succeeded', input, ${JSON.stringify(o.params)}::jsonb || jsonb_build_object(${o.field}::text, molecule),
           output, 0, ${o.versionDigest}, external_id, 'cache', jsonb_build_object('jobId', source_job_id, 'index', source_item_index)
      from upload_hits
  `.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * The upload's good rows as tasks of `batchSize` items, built in the database (the rows never
 * pass through this process): items are `{index, input, raw, line, externalId?}`, their molecule
 * still as the file had it, for the worker to canonicalise (src/server/uploads/raw-items.ts).
 * With `skipCached`, rows findCachedRows answered are left out.
 */
export async function insertTasks(tx: DbOrTx, o: { jobId: string; uploadId: string; batchSize: number; field: string; params: Record<string, unknown>; skipCached: boolean }): Promise<number> {
  const r = await sql`
    insert into tasks (job_id, task_index, items)
    select ${o.jobId}::uuid, task_index,
           jsonb_agg(
             jsonb_build_object(
               'index', row_index,
               'input', ${JSON.stringify(o.params)}::jsonb || jsonb_build_object(${o.field}::text, coalesce(smiles, molblock)),
               'raw', case when smiles is null then 'molblock' else 'smiles' end,
               'line', line_no
             ) || case when external_id is null then '{}'::jsonb else jsonb_build_object('externalId', external_id) end
             order by row_index)
      from (select (row_number() over (order by row_index) - 1) / ${o.batchSize}::int as task_index, row_index, line_no, smiles, molblock, external_id
              from upload_rows u
             where upload_id = ${o.uploadId}::uuid and error is null
               ${o.skipCached ? sql`and not exists (select 1 from upload_hits h where h.row_index = u.row_index)` : sql``}) good
     group by task_index
  `.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

/** A page of a job's task ids in task order, from `fromIndex`. */
export async function taskIdsFrom(tx: DbOrTx, jobId: string, fromIndex: number, limit: number): Promise<{ id: string; taskIndex: number }[]> {
  const rows = await tx.selectFrom('tasks').select(['id', 'task_index']).where('job_id', '=', jobId).where('task_index', '>=', fromIndex).orderBy('task_index').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, taskIndex: r.task_index }));
}

export async function markUsed(tx: DbOrTx, id: string, jobId: string): Promise<void> {
  await tx.updateTable('uploads').set({ status: 'used', job_id: jobId }).where('id', '=', id).execute();
}
