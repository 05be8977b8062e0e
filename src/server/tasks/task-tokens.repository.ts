import type { DbOrTx } from '../db/client';

/** Stores a token's hash for a task, replacing any earlier token of that task. */
export async function replaceTaskToken(db: DbOrTx, t: { taskId: string; hash: string; expiresAt: Date }): Promise<void> {
  await db.deleteFrom('task_tokens').where('task_id', '=', t.taskId).execute();
  await db.insertInto('task_tokens').values({ token_hash: t.hash, task_id: t.taskId, expires_at: t.expiresAt }).execute();
}

/** The task a live token names, with its job; expired tokens name nothing. */
export async function findLiveTaskToken(db: DbOrTx, hash: string): Promise<{ taskId: string; jobId: string; expiresAt: Date } | undefined> {
  const row = await db
    .selectFrom('task_tokens as k')
    .innerJoin('tasks as t', 't.id', 'k.task_id')
    .select(['k.task_id', 't.job_id', 'k.expires_at'])
    .where('k.token_hash', '=', hash)
    .where('k.expires_at', '>', new Date())
    .executeTakeFirst();
  return row && { taskId: row.task_id, jobId: row.job_id, expiresAt: new Date(row.expires_at) };
}

export async function deleteTaskTokens(db: DbOrTx, taskId: string): Promise<void> {
  await db.deleteFrom('task_tokens').where('task_id', '=', taskId).execute();
}

/** Tokens past their expiry, whatever task they named (housekeeping). */
export async function deleteExpiredTaskTokens(db: DbOrTx): Promise<number> {
  const rows = await db.deleteFrom('task_tokens').where('expires_at', '<=', new Date()).returning('token_hash').execute();
  return rows.length;
}

/** Whether each task is still open (neither done nor failed) and its job still wants results. */
export async function taskStates(db: DbOrTx, taskIds: string[]): Promise<Map<string, { open: boolean; jobStatus: string }>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('jobs as j', 'j.id', 't.job_id')
    .select(['t.id', 't.status', 'j.status as job_status'])
    .where('t.id', 'in', taskIds)
    .execute();
  return new Map(rows.map((r) => [r.id, { open: r.status !== 'done' && r.status !== 'failed' && r.job_status !== 'cancelled', jobStatus: r.job_status }]));
}
