import { molblocksOf } from '../chem/molblocks';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import { resultFieldProblem, type ResultStatus } from '../../shared/results-query';
import { readableJob, withVisibleProvenance } from './jobs.service';
import { indexedPage, sortIndexMinRows, sortKeysReady } from './result-sort-index';
import type { Job, JobResult } from './jobs.types';
import { csvHeader, csvRow, sdfRecord, smilesOf } from './results-export';
import type { ResultFormat, TResultsFilter, TResultsQuery } from './results.schema';
import * as q from './results-query';
import { toResult } from './jobs.repository';

type DbDeps = Pick<Deps, 'db'>;
type ListDeps = Pick<Deps, 'db' | 'boss'>;

export interface ResultsPage {
  items: JobResult[];
  /** How many results match the filters (all pages). */
  total: number;
  /** Pass as `cursor` for the page after this one; null on the last page. */
  nextCursor: string | null;
}

function checkField(field: string, name: string): void {
  const problem = resultFieldProblem(field);
  if (problem) throw new AppError('INVALID_INPUT', `${name}: the field name "${field.slice(0, 80)}" ${problem}`, { field: name, limit: 64 });
}

function numericInSchema(schema: Record<string, unknown>, field: string): boolean | undefined {
  const prop = ((schema.properties ?? {}) as Record<string, { type?: unknown }>)[field];
  const types = Array.isArray(prop?.type) ? prop.type : prop?.type ? [prop.type] : [];
  if (types.length === 0) return undefined;
  return types.some((t) => t === 'number' || t === 'integer');
}

/**
 * The filters checked and the sort resolved: a field is sorted as numbers when the version's
 * output schema says so or, without one, when the job's first value of it is a number.
 */
export async function resolveQuery({ db }: DbDeps, job: Job, f: TResultsFilter, cursor?: q.Cursor): Promise<q.ResolvedQuery> {
  f.ranges?.forEach((r, i) => checkField(r.field, `ranges[${i}].field`));
  const status: ResultStatus[] | undefined = f.status === undefined ? undefined : Array.isArray(f.status) ? f.status : [f.status];
  const sortField = f.sort?.field ?? 'index';
  const direction = f.sort?.direction ?? 'asc';
  let kind: q.SortKind = 'index';
  if (sortField !== 'index') {
    checkField(sortField, 'sort.field');
    if (cursor) kind = cursor.kind;
    else {
      const numeric = numericInSchema(await q.outputSchemaOf(db, job.modelVersionId), sortField) ?? (await q.fieldType(db, job.id, sortField)) === 'number';
      kind = numeric ? 'number' : 'text';
    }
  }
  if (cursor && (cursor.field !== sortField || cursor.direction !== direction)) {
    throw new AppError('INVALID_INPUT', `cursor: it belongs to a listing sorted by ${cursor.field} ${cursor.direction}, not ${sortField} ${direction}; start again without a cursor`, { field: 'cursor' });
  }
  return { jobId: job.id, status, ranges: f.ranges, sort: { field: sortField, kind, direction } };
}

/** A page of a readable job's results (NOT_FOUND otherwise), filtered and sorted, by keyset or offset. */
export async function queryResults(deps: ListDeps, viewer: Viewer, input: TResultsQuery): Promise<ResultsPage> {
  const job = await readableJob(deps.db, viewer, input.jobId);
  const cursor = input.cursor ? q.decodeCursor(input.cursor) : undefined;
  if (cursor && input.offset > 0) throw new AppError('INVALID_INPUT', 'offset: give either a cursor or an offset, not both', { field: 'offset' });
  const resolved = await resolveQuery(deps, job, input, cursor);
  const indexed = await usesSortKeys(deps, job, resolved);
  // A settled job's counts are its results' (written in the same transactions): no count is needed unfiltered.
  const unfiltered = !resolved.status?.length && !resolved.ranges?.length;
  const [rows, total] = await Promise.all([
    indexed
      ? indexedPage(deps.db, resolved, cursor, input.limit + 1, input.offset)
      : q.orderedResults(deps.db, resolved, cursor).limit(input.limit + 1).offset(input.offset).execute(),
    indexed && unfiltered ? job.itemsDone + job.itemsFailed : q.countResults(deps.db, resolved),
  ]);
  const page = rows.slice(0, input.limit);
  const more = rows.length > input.limit;
  const items = await withVisibleProvenance(deps.db, viewer, page.map(toResult));
  return { items, total, nextCursor: more ? q.encodeCursor(q.cursorAfter(resolved, page[page.length - 1])) : null };
}

/**
 * Whether a page sorted by a numeric output field reads the field's sort keys: a large job that
 * has ended with every item counted (its results no longer change) whose keys are written. The
 * first such page asks the worker for them and sorts by the heap meanwhile.
 */
async function usesSortKeys(deps: ListDeps, job: Job, q: q.ResolvedQuery): Promise<boolean> {
  if (q.sort.kind !== 'number') return false;
  const settled = (job.status === 'succeeded' || job.status === 'failed') && job.itemsDone + job.itemsFailed === job.itemsTotal;
  if (!settled || job.itemsTotal < sortIndexMinRows()) return false;
  return sortKeysReady(deps, job.id, q.sort.field);
}

/** What a download sends: its name and type, and its text, produced as it is read. */
export interface ResultsDownload {
  filename: string;
  contentType: string;
  /** How many rows match (the download's length in records). */
  rows: number;
  body: AsyncIterable<string>;
}

/** A download's columns: the output schema's fields (required first), then any other field the job's first rows hold. */
async function outputFields({ db }: DbDeps, job: Job): Promise<string[]> {
  const schema = await q.outputSchemaOf(db, job.modelVersionId);
  const props = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const ordered = [...required.filter((f) => props.includes(f)), ...props.filter((f) => !required.includes(f))];
  const seen = new Set(ordered);
  return [...ordered, ...(await q.sampleOutputKeys(db, job.id)).filter((k) => !seen.has(k))];
}

/**
 * A readable job's results (NOT_FOUND otherwise) as CSV or SDF, filtered and sorted like a page,
 * streamed from a server-side cursor in batches: memory stays bounded whatever the job's size.
 * SDF records get their MOL block from the canonical SMILES through the chemistry pool; an item
 * whose SMILES makes none (a refused input) gets an empty structure with its error fields.
 */
export async function downloadResults(deps: Pick<Deps, 'db'>, viewer: Viewer, input: TResultsFilter & { jobId: string; format: ResultFormat }): Promise<ResultsDownload> {
  const job = await readableJob(deps.db, viewer, input.jobId);
  const resolved = await resolveQuery(deps, job, input);
  const [fields, rows] = await Promise.all([outputFields(deps, job), q.countResults(deps.db, resolved)]);
  const name = `${job.model}-${job.id.slice(0, 8)}-results`;
  async function* csv(): AsyncGenerator<string> {
    yield csvHeader(fields);
    for await (const batch of q.streamResults(deps.db, resolved)) yield batch.map((r) => csvRow(r, fields)).join('');
  }
  async function* sdf(): AsyncGenerator<string> {
    for await (const batch of q.streamResults(deps.db, resolved)) {
      const blocks = await molblocksOf(batch.map(smilesOf), { requester: viewer.id });
      yield batch.map((r, i) => sdfRecord(r, fields, blocks[i])).join('');
    }
  }
  return input.format === 'csv'
    ? { filename: `${name}.csv`, contentType: 'text/csv; charset=utf-8', rows, body: csv() }
    : { filename: `${name}.sdf`, contentType: 'chemical/x-mdl-sdfile; charset=utf-8', rows, body: sdf() };
}
