import { CompiledQuery, sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Db, DbOrTx } from '../db/client';
import type { DB, ResultRow } from '../db/types';
import { AppError } from '../errors';
import type { ResultRange, ResultStatus } from '../../shared/results-query';

/**
 * The SQL of a job's results listing: filters, a sort key, and keyset pagination on
 * (sort key, item_index). Sorting by an output field reads the job's rows through the
 * (job_id, …) indexes and keeps the top N in a heap; a large finished job's pages read sort keys
 * instead once written (result-sort-index.ts; the figures for a million-row job are in
 * docs/downloads.md).
 */

/** How the sort key is read: input order, an output number, or an output text. */
export type SortKind = 'index' | 'number' | 'text';

export interface ResolvedQuery {
  jobId: string;
  status?: ResultStatus[];
  ranges?: ResultRange[];
  sort: { field: string; kind: SortKind; direction: 'asc' | 'desc' };
}

/** Where the previous page ended, and for which sort (a cursor is refused under another). */
export interface Cursor {
  field: string;
  kind: SortKind;
  direction: 'asc' | 'desc';
  value: number | string | null;
  index: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.field, c.kind, c.direction, c.value, c.index])).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  try {
    const [field, kind, direction, value, index] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    const valueOk = value === null || typeof value === 'number' || typeof value === 'string';
    if (typeof field === 'string' && ['index', 'number', 'text'].includes(kind as string) && (direction === 'asc' || direction === 'desc') && valueOk && Number.isInteger(index)) {
      return { field, kind: kind as SortKind, direction, value: value as Cursor['value'], index: index as number };
    }
  } catch {
    // Reported below.
  }
  throw new AppError('INVALID_INPUT', 'cursor: not a cursor this gateway gave out; pass `nextCursor` from the previous page unchanged', { field: 'cursor' });
}

const pathOf = (field: string) => field.split('.');

/**
 * An output field as a number; null where it is missing or not a number (so a cast never fails).
 * `output` names the column (qualified where the query joins results to another table).
 */
export function numberAt(field: string, output = 'output'): RawBuilder<number | null> {
  const path = pathOf(field);
  const column = sql.ref(output);
  return sql`(case when jsonb_typeof(${column} #> ${path}::text[]) = 'number' then (${column} #>> ${path}::text[])::double precision end)`;
}

function sortKey(s: ResolvedQuery['sort']): RawBuilder<unknown> {
  if (s.kind === 'index') return sql`item_index`;
  if (s.kind === 'number') return numberAt(s.field);
  return sql`(output #>> ${pathOf(s.field)}::text[])`;
}

type ResultsSelect = SelectQueryBuilder<DB, 'results', ResultRow & { sort_key: unknown }>;

function filtered(db: DbOrTx, q: ResolvedQuery) {
  let list = db.selectFrom('results').where('job_id', '=', q.jobId);
  if (q.status?.length) list = list.where('status', 'in', q.status);
  for (const r of q.ranges ?? []) {
    if (r.min !== undefined) list = list.where(sql<boolean>`${numberAt(r.field)} >= ${r.min}`);
    if (r.max !== undefined) list = list.where(sql<boolean>`${numberAt(r.field)} <= ${r.max}`);
  }
  return list;
}

/** The rows after `after`, in sort order: items without the field come last, ties in input order. */
export function orderedResults(db: DbOrTx, q: ResolvedQuery, after?: Cursor): ResultsSelect {
  const key = sortKey(q.sort);
  let list = filtered(db, q).selectAll().select(sql`${key}`.as('sort_key')) as unknown as ResultsSelect;
  const desc = q.sort.direction === 'desc';
  if (q.sort.kind === 'index') {
    if (after) list = list.where('item_index', desc ? '<' : '>', after.index);
    return list.orderBy('item_index', q.sort.direction);
  }
  if (after) {
    const cast = q.sort.kind === 'number' ? sql`${after.value}::double precision` : sql`${after.value}::text`;
    const beyond = desc ? sql`${key} < ${cast}` : sql`${key} > ${cast}`;
    list = list.where(
      after.value === null
        ? sql<boolean>`(${key} is null and item_index > ${after.index})`
        : sql<boolean>`(${key} is null or ${beyond} or (${key} = ${cast} and item_index > ${after.index}))`,
    );
  }
  return list
    .orderBy(sql`${key} is null`)
    .orderBy(sql`${key}`, q.sort.direction)
    .orderBy('item_index');
}

/** The cursor that resumes after `row`. */
export function cursorAfter(q: ResolvedQuery, row: { item_index: number; sort_key: unknown }): Cursor {
  const value = q.sort.kind === 'index' || row.sort_key === null ? null : q.sort.kind === 'number' ? Number(row.sort_key) : String(row.sort_key);
  return { field: q.sort.field, kind: q.sort.kind, direction: q.sort.direction, value, index: row.item_index };
}

export async function countResults(db: DbOrTx, q: ResolvedQuery): Promise<number> {
  const row = await filtered(db, q)
    .select((e) => e.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What a field holds in this job's outputs: the JSON type of its first non-null value, if any. */
export async function fieldType(db: DbOrTx, jobId: string, field: string): Promise<string | null> {
  const path = pathOf(field);
  const row = await db
    .selectFrom('results')
    .select(sql<string>`jsonb_typeof(output #> ${path}::text[])`.as('t'))
    .where('job_id', '=', jobId)
    .where(sql<boolean>`output #> ${path}::text[] is not null`)
    .where(sql<boolean>`jsonb_typeof(output #> ${path}::text[]) <> 'null'`)
    .limit(1)
    .executeTakeFirst();
  return row?.t ?? null;
}

/** The output fields of a job's first rows (a download's columns beyond the schema's). */
export async function sampleOutputKeys(db: DbOrTx, jobId: string, rows = 1000): Promise<string[]> {
  const { rows: keys } = await sql<{ k: string }>`
    select distinct jsonb_object_keys(output) as k
    from (select output from results where job_id = ${jobId} and jsonb_typeof(output) = 'object' order by item_index limit ${rows}) s
    order by k`.execute(db);
  return keys.map((r) => r.k);
}

/**
 * Every matching row in sort order, `batch` at a time, from a server-side cursor: one snapshot,
 * one sort, and memory bounded by the batch whatever the job's size. The transaction stays open
 * while the caller reads; one left idle for five minutes is ended by the server.
 */
export async function* streamResults(db: Db, q: ResolvedQuery, batch = 2000): AsyncGenerator<ResultRow[]> {
  const compiled = orderedResults(db, q).compile();
  const tx = await db.startTransaction().setAccessMode('read only').execute();
  let ok = false;
  try {
    await sql`set local idle_in_transaction_session_timeout = '5min'`.execute(tx);
    await tx.executeQuery(CompiledQuery.raw(`declare results_out no scroll cursor for ${compiled.sql}`, [...compiled.parameters]));
    for (;;) {
      const { rows } = await sql<ResultRow>`fetch ${sql.raw(String(batch))} from results_out`.execute(tx);
      if (rows.length === 0) break;
      yield rows;
      if (rows.length < batch) break;
    }
    ok = true;
  } finally {
    // A reader that stopped early (or a failed fetch) leaves nothing to keep.
    await (ok ? tx.commit() : tx.rollback()).execute().catch(() => undefined);
  }
}

/** The output schema of the version a job ran. */
export async function outputSchemaOf(db: DbOrTx, modelVersionId: string): Promise<Record<string, unknown>> {
  const row = await db.selectFrom('model_versions').select('output_schema').where('id', '=', modelVersionId).executeTakeFirst();
  return (row?.output_schema ?? {}) as Record<string, unknown>;
}
