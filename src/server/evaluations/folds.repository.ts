import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { FoldPrediction } from '../db/types';

export interface FoldRow {
  evaluationId: string;
  memberKey: string;
  fold: number;
  modelVersionId: string;
  field: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  predictions: Record<string, FoldPrediction> | null;
  trainCount: number | null;
  testCount: number | null;
  failedCount: number | null;
  error: string | null;
  attempts: number;
}

const columns = [
  'evaluation_id',
  'member_key',
  'fold',
  'model_version_id',
  'field',
  'status',
  'predictions',
  'train_count',
  'test_count',
  'failed_count',
  'error',
  'attempts',
] as const;

type Raw = { [K in (typeof columns)[number]]: unknown };

function toFold(r: Raw): FoldRow {
  return {
    evaluationId: r.evaluation_id as string,
    memberKey: r.member_key as string,
    fold: r.fold as number,
    modelVersionId: r.model_version_id as string,
    field: r.field as string,
    status: r.status as FoldRow['status'],
    predictions: (r.predictions as FoldRow['predictions']) ?? null,
    trainCount: r.train_count as number | null,
    testCount: r.test_count as number | null,
    failedCount: r.failed_count as number | null,
    error: r.error as string | null,
    attempts: r.attempts as number,
  };
}

/** The folds of an evaluation, queued; a fold that already exists is left as it is. */
export async function insertFolds(db: DbOrTx, rows: { evaluationId: string; memberKey: string; fold: number; modelVersionId: string; field: string }[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('evaluation_folds')
    .values(rows.map((r) => ({ evaluation_id: r.evaluationId, member_key: r.memberKey, fold: r.fold, model_version_id: r.modelVersionId, field: r.field })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function listFolds(db: DbOrTx, evaluationId: string): Promise<FoldRow[]> {
  const rows = await db.selectFrom('evaluation_folds').select(columns).where('evaluation_id', '=', evaluationId).orderBy('member_key').orderBy('fold').execute();
  return rows.map((r) => toFold(r as Raw));
}

/** Claims a fold that has not ended: running, one more attempt. Null when it has ended (or is gone). */
export async function claimFold(db: DbOrTx, key: { evaluationId: string; memberKey: string; fold: number }): Promise<FoldRow | null> {
  const row = await db
    .updateTable('evaluation_folds')
    .set({ status: 'running', attempts: sql`attempts + 1`, started_at: sql`now()` })
    .where('evaluation_id', '=', key.evaluationId)
    .where('member_key', '=', key.memberKey)
    .where('fold', '=', key.fold)
    .where('status', 'in', ['queued', 'running'])
    .returning(columns)
    .executeTakeFirst();
  return row ? toFold(row as Raw) : null;
}

/** Ends a fold once: a fold that has already ended keeps its first outcome. */
export async function finishFold(
  db: DbOrTx,
  key: { evaluationId: string; memberKey: string; fold: number },
  end: { status: 'succeeded'; predictions: Record<string, FoldPrediction>; trainCount: number; testCount: number; failedCount: number } | { status: 'failed'; error: string },
): Promise<boolean> {
  const set =
    end.status === 'succeeded'
      ? { status: end.status, predictions: JSON.stringify(end.predictions), train_count: end.trainCount, test_count: end.testCount, failed_count: end.failedCount, error: null }
      : { status: end.status, error: end.error.slice(0, 2000) };
  const r = await db
    .updateTable('evaluation_folds')
    .set({ ...set, finished_at: sql`now()` })
    .where('evaluation_id', '=', key.evaluationId)
    .where('member_key', '=', key.memberKey)
    .where('fold', '=', key.fold)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
