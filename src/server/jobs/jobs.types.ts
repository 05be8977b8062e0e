import type { CachedFrom, JobStatus } from '../db/types';
import type { ErrorCode } from '../errors';

export interface Job {
  id: string;
  ownerId: string;
  model: string;
  version: number;
  modelVersionId: string;
  /** For a member job of a consensus: the consensus job, and which member this is. */
  parentJobId: string | null;
  memberKey: string | null;
  /** Set when the job runs a deprecated version. */
  warning: string | null;
  status: JobStatus;
  label: string | null;
  itemsTotal: number;
  itemsDone: number;
  itemsFailed: number;
  tasksTotal: number;
  tasksDone: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The team the job is charged to. */
  teamId: string | null;
  cost: JobCost;
}

/** A job's measured model time and its cost so far (a consensus's include its members'), and what was estimated at submission. */
export interface JobCost {
  cpuSeconds: number;
  gpuSeconds: number;
  amount: number;
  /** The currency of the prices in force when the job was submitted. */
  currency: string | null;
  /** Null when the version had no history when the job was submitted. */
  estimate: { cpuSeconds: number; gpuSeconds: number; amount: number } | null;
}

export interface JobResult {
  index: number;
  /** The caller's own name for the item (a file's id or name column), if it gave one. */
  externalId: string | null;
  status: 'succeeded' | 'failed';
  input: Record<string, unknown>;
  submitted: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  errorCode: ErrorCode | null;
  error: string | null;
  durationMs: number | null;
  /** This item's share of its batch's measured model time (what it is costed on). */
  modelMs: number | null;
  attempt: number;
  /**
   * Set when the output came from the result cache: the result it was first computed for. `jobId`
   * is there only when the viewer may read that job; another user's job is just `{ cached: true }`.
   */
  cachedFrom: CachedFrom | { cached: true } | null;
}

/** What the worker reports for one item (`durationMs` is missing when nothing ran). */
export type ItemOutcome =
  | { index: number; output: Record<string, unknown>; durationMs?: number; cachedFrom?: CachedFrom }
  | { index: number; error: string; code: ErrorCode; durationMs?: number };

/** What an executor reports for one item it ran: always timed. */
export type RunOutcome = ItemOutcome & { durationMs: number };

export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
