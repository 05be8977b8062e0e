import type { TaskItem } from '../../server/db/types';
import type { ItemOutcome } from '../../server/jobs/jobs.types';
import type { ModelVersion } from '../../server/models/models.types';

/**
 * Runs one task's items on one model version. Implementations report each item's outcome and
 * never throw for a model's own failure (crash, hang, garbage): those are item outcomes. A
 * throw means the executor itself could not work (transient; the task is retried).
 */
export interface Executor {
  readonly kind: string;
  run(version: ModelVersion, items: TaskItem[]): Promise<ItemOutcome[]>;
  close(): Promise<void>;
}
