import type { JobResult, JobWithMetadata } from 'pg-boss';
import { aggregateConsensus, endDeadAggregation } from '../server/consensus/aggregate.service';
import { endDeadFold, runEvaluationFold } from '../server/evaluations/folds.service';
import { endDeadTask, runTask, type Attempt, type Verdict, type WorkerDeps } from '../server/jobs/run-task.service';
import { buildSortKeys } from '../server/jobs/result-sort-index';
import { deliverWebhook, endDeadDelivery } from '../server/webhooks/deliver';
import { queueCatalog, type QueueName, type QueuePayload } from '../server/queue/catalog';

type Handler<Q extends QueueName> = (deps: WorkerDeps, payload: QueuePayload<Q>, attempt: Attempt) => Promise<Verdict>;

/** What each consumed queue runs: a service, with the payload type its catalog entry gives. */
export const handlers: { [Q in QueueName]: Handler<Q> } = {
  'task.run': runTask,
  'task.dead': endDeadTask,
  'consensus.aggregate': aggregateConsensus,
  'consensus.dead': endDeadAggregation,
  'evaluation.fold': runEvaluationFold,
  'evaluation.dead': endDeadFold,
  'webhook.deliver': deliverWebhook,
  'webhook.dead': endDeadDelivery,
  'results.sort-index': buildSortKeys,
};

/**
 * Binds a queue's handler to pg-boss: parses the payload with the catalog's schema (a job can
 * outlive the code that queued it, so a payload that no longer fits is dead-lettered), tells the
 * handler which attempt this is, and settles the job with the handler's verdict.
 */
export function bindHandler<Q extends keyof typeof handlers>(deps: WorkerDeps, queue: Q) {
  const handle = handlers[queue] as Handler<Q>;
  return async (job: JobWithMetadata<unknown>): Promise<JobResult> => {
    const parsed = queueCatalog[queue].schema.safeParse(job.data);
    if (!parsed.success) {
      deps.log(`${queue} ${job.id}: payload does not match the catalog, dead-lettered: ${parsed.error.message}`);
      return { id: job.id, status: 'deadletter', output: { error: `payload does not match the ${queue} schema` } };
    }
    const attempt = { number: job.retryCount + 1, last: job.retryCount >= job.retryLimit };
    const verdict = await handle(deps, parsed.data as QueuePayload<Q>, attempt);
    return { id: job.id, ...verdict };
  };
}
