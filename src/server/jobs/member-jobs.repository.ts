import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { ResultRow } from '../db/types';
import type { Job } from './jobs.types';

// Member jobs of a consensus job: the rows its aggregation reads and waits for.

export interface MemberJob {
  key: string;
  jobId: string;
  status: Job['status'];
  itemsTotal: number;
  itemsDone: number;
  itemsFailed: number;
}

export async function listMemberJobs(db: DbOrTx, parentJobId: string): Promise<MemberJob[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'member_key', 'status', 'items_total', 'items_done', 'items_failed'])
    .where('parent_job_id', '=', parentJobId)
    .orderBy('member_key')
    .execute();
  return rows.map((r) => ({
    key: r.member_key!,
    jobId: r.id,
    status: r.status,
    itemsTotal: r.items_total,
    itemsDone: r.items_done,
    itemsFailed: r.items_failed,
  }));
}

/**
 * Whether every member job of a consensus has ended. Locks the parent row first, so two
 * members ending at once cannot both miss each other's end.
 */
export async function allMembersSettled(db: DbOrTx, parentJobId: string): Promise<boolean> {
  await sql`select id from jobs where id = ${parentJobId} for update`.execute(db);
  const open = await db
    .selectFrom('jobs')
    .select('id')
    .where('parent_job_id', '=', parentJobId)
    .where('status', 'in', ['queued', 'running'])
    .limit(1)
    .executeTakeFirst();
  return !open;
}

/** Results of several jobs for a range of item indexes, for joining a consensus item by item. */
export async function resultsForItems(db: DbOrTx, jobIds: string[], from: number, to: number): Promise<ResultRow[]> {
  if (jobIds.length === 0) return [];
  return db
    .selectFrom('results')
    .selectAll()
    .where('job_id', 'in', jobIds)
    .where('item_index', '>=', from)
    .where('item_index', '<', to)
    .execute();
}
