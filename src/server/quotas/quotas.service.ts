import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { audit } from '../audit/audit.service';
import { requireAdmin } from '../admin/require-admin';
import { countSubmission, readUsage, type PeriodUsage, type Subject } from '../cost/usage.repository';
import type { Viewer } from '../users/viewer';
import * as repo from './quotas.repository';
import { NO_LIMITS, type Limits } from './quotas.repository';

export type { Limits };

/** The limits that apply to a subject: a user's own row, else the default; a team's own row, else none. */
export async function effectiveLimits(db: DbOrTx, s: Subject): Promise<Limits & { source: 'own' | 'default' | 'none' }> {
  return limitsOf(await repo.findApplyingQuota(db, s));
}

function limitsOf(row: repo.QuotaRow | undefined): Limits & { source: 'own' | 'default' | 'none' } {
  if (!row) return { ...NO_LIMITS, source: 'none' };
  return { ...pick(row), source: row.subjectType === 'default' ? 'default' : 'own' };
}

const pick = (l: Limits): Limits => ({ concurrentJobs: l.concurrentJobs, itemsPerDay: l.itemsPerDay, cpuSecondsPerMonth: l.cpuSecondsPerMonth, gpuSecondsPerMonth: l.gpuSecondsPerMonth });

/** What a submission asks of the quotas: items to run and the model time its estimate expects. */
export interface QuotaClaim {
  jobId: string;
  items: number;
  estimate: { cpuSeconds: number; gpuSeconds: number };
  /** Whether the job takes CPU and GPU time at all: a job needing no GPU is not held by a used-up GPU limit. */
  uses: { cpu: boolean; gpu: boolean };
}

const round = (n: number) => Math.round(n * 100) / 100;

function refuse(subject: { label: string; subject: Subject }, limit: keyof Limits, text: string, d: { limit: number; used: number; requested: number; resetsAt: string | null }): never {
  throw new AppError('QUOTA_EXCEEDED', `quota exceeded for ${subject.label}: ${text}`, { quota: limit, subject: subject.subject, ...d });
}

/**
 * Counts a job's items against the submitter's quotas (and its team's) and refuses it whole
 * (QUOTA_EXCEEDED, naming the limit, the usage and when it resets) when any would be exceeded.
 * Runs inside the job's transaction, after the job's row: the counter rows it upserts stay
 * locked until that transaction ends, so concurrent submissions of one subject are checked one
 * after another against everything admitted before them, and a refusal rolls back everything,
 * the count included. An idempotent replay never reaches here (it returns the first job).
 */
export async function claimQuota(tx: DbOrTx, subjects: { label: string; subject: Subject }[], claim: QuotaClaim): Promise<void> {
  if (claim.items === 0) return; // every item was refused: nothing will run
  for (const s of subjects) {
    const { day, month } = await countSubmission(tx, s.subject, claim.items);
    // After the count, whose lock orders this read after every submission of the subject admitted before.
    const { active, quota } = await repo.activeJobsAndQuota(tx, s.subject);
    const limits = limitsOf(quota);
    if (limits.concurrentJobs !== null && active.count > limits.concurrentJobs) {
      refuse(s, 'concurrentJobs', `${active.count - 1} job${active.count === 2 ? ' is' : 's are'} queued or running, and the limit is ${limits.concurrentJobs} at once; submit again when one ends (or cancel one)`, {
        limit: limits.concurrentJobs,
        used: active.count - 1,
        requested: 1,
        resetsAt: null,
      });
    }
    if (limits.itemsPerDay !== null && day.items > limits.itemsPerDay) {
      const before = day.items - claim.items;
      refuse(s, 'itemsPerDay', `${before} of ${limits.itemsPerDay} items per day are used today, and this job has ${claim.items}; the count resets at ${day.resetsAt}`, {
        limit: limits.itemsPerDay,
        used: before,
        requested: claim.items,
        resetsAt: day.resetsAt,
      });
    }
    if (claim.uses.cpu) checkTime(s, 'cpuSecondsPerMonth', 'CPU', limits.cpuSecondsPerMonth, month, month.cpuSeconds, active.outstandingCpuSeconds - claim.estimate.cpuSeconds, claim.estimate.cpuSeconds);
    if (claim.uses.gpu) checkTime(s, 'gpuSecondsPerMonth', 'GPU', limits.gpuSecondsPerMonth, month, month.gpuSeconds, active.outstandingGpuSeconds - claim.estimate.gpuSeconds, claim.estimate.gpuSeconds);
  }
}

/**
 * Refuses as `claimQuota` would, now, without keeping the count or the counters' locks (inside
 * a savepoint rolled back, which releases the row locks taken after it), and returns the claim
 * to make as the submission's last step. For a long submission (a file of millions of rows): it
 * is refused before the heavy work, and its subjects' counters are locked for a moment, not for
 * minutes, so their other submissions (a teammate's prediction) never wait behind it.
 */
export async function precheckQuota(tx: DbOrTx, subjects: { label: string; subject: Subject }[], claim: QuotaClaim): Promise<() => Promise<void>> {
  await sql`savepoint quota_precheck`.execute(tx);
  try {
    await claimQuota(tx, subjects, claim);
  } finally {
    await sql`rollback to savepoint quota_precheck`.execute(tx);
  }
  return () => claimQuota(tx, subjects, claim);
}

/**
 * Time is measured after it is spent: a job is admitted while the month's measured seconds, what
 * running jobs are still expected to take, and this job's estimate fit; and never once they are used up.
 */
function checkTime(s: { label: string; subject: Subject }, key: keyof Limits, unit: string, limit: number | null, month: PeriodUsage, used: number, held: number, estimate: number) {
  if (limit === null) return;
  const heldNow = Math.max(0, held);
  if (used + heldNow >= limit || used + heldNow + estimate > limit) {
    const parts = [`${round(used)} of ${round(limit)} ${unit}-seconds this month are used`, heldNow > 0 ? `${round(heldNow)} more are expected by running jobs` : '', estimate > 0 ? `this job is estimated at ${round(estimate)}` : ''];
    refuse(s, key, `${parts.filter(Boolean).join(', ')}; the count resets at ${month.resetsAt}`, { limit: round(limit), used: round(used + heldNow), requested: round(estimate), resetsAt: month.resetsAt });
  }
}

/** Whose quotas a submission counts against: the submitter, and the team the job is charged to. */
export function quotaSubjects(viewer: Viewer, teamId: string | null): { label: string; subject: Subject }[] {
  return [{ label: `you (${viewer.email})`, subject: { type: 'user', id: viewer.id } }, ...(teamId ? [{ label: `team ${teamId}`, subject: { type: 'team' as const, id: teamId } }] : [])];
}

/** A subject's limits beside its usage now. */
export interface QuotaStatus {
  subject: Subject;
  limits: Limits & { source: 'own' | 'default' | 'none' };
  day: PeriodUsage;
  month: PeriodUsage;
  activeJobs: number;
}

async function statusOf(db: DbOrTx, subject: Subject): Promise<QuotaStatus> {
  const [limits, usage, active] = await Promise.all([effectiveLimits(db, subject), readUsage(db, subject), repo.activeJobs(db, subject)]);
  return { subject, limits, day: usage.day, month: usage.month, activeJobs: active.count };
}

/** The caller's own limits and usage (shown beside the job form). */
export async function getMyQuota({ db }: Pick<Deps, 'db'>, viewer: Viewer): Promise<QuotaStatus> {
  return statusOf(db, { type: 'user', id: viewer.id });
}

/** Admins: one subject's limits and usage. */
export async function getQuota({ db }: Pick<Deps, 'db'>, viewer: Viewer, s: Subject): Promise<QuotaStatus> {
  requireAdmin(viewer, 'quotas');
  return statusOf(db, s);
}

export async function getDefaultQuota({ db }: Pick<Deps, 'db'>, viewer: Viewer): Promise<Limits> {
  requireAdmin(viewer, 'quotas');
  const row = await repo.findQuota(db, 'default');
  return row ? pick(row) : NO_LIMITS;
}

/** Admins set a user's, a team's or the default's limits (null: no limit), audited with before and after. */
export async function setQuota(
  { db }: Pick<Deps, 'db'>,
  viewer: Viewer,
  input: { subject: Subject | 'default'; limits: Limits },
): Promise<Limits & { subject: Subject | 'default' }> {
  requireAdmin(viewer, 'quotas');
  if (input.subject !== 'default' && input.subject.type === 'user') {
    const exists = await db.selectFrom('users').select('id').where('id', '=', input.subject.id).executeTakeFirst();
    if (!exists) throw new AppError('NOT_FOUND', `no user ${input.subject.id}`);
  }
  return db.transaction().execute(async (tx) => {
    const before = await repo.findQuota(tx, input.subject);
    const row = await repo.upsertQuota(tx, input.subject, input.limits, viewer.id);
    const id = input.subject === 'default' ? 'default' : `${input.subject.type}:${input.subject.id}`;
    await audit(tx, viewer, { action: 'quota.update', entity: { type: 'quota', id }, before: before ? pick(before) : null, after: pick(row) });
    return { subject: input.subject, ...pick(row) };
  });
}

/** Admins remove a subject's own limits: a user then has the default's. */
export async function clearQuota({ db }: Pick<Deps, 'db'>, viewer: Viewer, { subject }: { subject: Subject }): Promise<{ removed: boolean }> {
  requireAdmin(viewer, 'quotas');
  return db.transaction().execute(async (tx) => {
    const removed = await repo.deleteQuota(tx, subject);
    await audit(tx, viewer, { action: 'quota.clear', entity: { type: 'quota', id: `${subject.type}:${subject.id}` }, before: removed ? pick(removed) : null, after: null });
    return { removed: !!removed };
  });
}
