import type { JobStatus } from '../db/types';
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
}

export interface JobResult {
  index: number;
  status: 'succeeded' | 'failed';
  input: Record<string, unknown>;
  submitted: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  errorCode: ErrorCode | null;
  error: string | null;
  durationMs: number | null;
  attempt: number;
}

/** What the worker reports for one item (`durationMs` is missing when nothing ran). */
export type ItemOutcome =
  | { index: number; output: Record<string, unknown>; durationMs?: number }
  | { index: number; error: string; code: ErrorCode; durationMs?: number };

/** What an executor reports for one item it ran: always timed. */
export type RunOutcome = ItemOutcome & { durationMs: number };

export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
