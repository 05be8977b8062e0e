import type { TaskItem } from '../db/types';
import type { RunOutcome } from './jobs.types';
import type { ModelVersion } from '../models/models.types';

/**
 * Runs one task's items on one model version and reports each item's outcome; a model's own
 * failure for an item (an error, a crash, garbage) is an outcome. A thrown AppError concerns the
 * whole task: transient codes (UNAVAILABLE, INTERNAL) are retried by the queue, any other code
 * fails every remaining item with its message.
 */
export interface Executor {
  readonly kind: string;
  /** Items left without an outcome when `signal` aborts (the job was cancelled) are simply not reported. */
  run(version: ModelVersion, items: TaskItem[], options?: RunOptions): Promise<RunOutcome[]>;
  close(): Promise<void>;
  /** Called once when the worker starts (e.g. to reconcile work a previous worker left behind); must not throw. */
  start?(): Promise<void>;
  /**
   * Runs a version's training mode (`runtime.training`): one fresh process learns `training.rows`,
   * then answers `items` with what it learnt, and stops. For cross-validation; only executors that
   * can run it have it. Throws an AppError when the training itself fails.
   */
  fitPredict?(version: ModelVersion, training: FitPredictTraining, items: TaskItem[], options?: RunOptions): Promise<RunOutcome[]>;
}

/** The training set of a fit-predict run: inputs with their measured target, and the output field it is for. */
export interface FitPredictTraining {
  rows: { input: Record<string, unknown>; target: number }[];
  field: string;
}

export interface RunOptions {
  /** Aborted when the task's job is cancelled: stop at once, start nothing more. */
  signal?: AbortSignal;
  /** The task being run: executors that hand work to another machine (Kubernetes) name it and scope its token to it. */
  task?: { id: string; jobId: string; attempt: number };
  /** A single prediction: an executor with a pool of warm processes may start one beyond it rather than wait. */
  urgent?: boolean;
}
