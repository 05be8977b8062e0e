import type { Deps } from '../deps';
import { estimateCost, type CostEstimate } from '../cost/estimate.service';
import { resolveModelRef } from '../models/models.service';
import type { Viewer } from '../users/viewer';

export interface JobEstimate {
  model: string;
  version: number;
  items: number;
  tasks: number;
  batchSize: number;
  /** Model time and cost: items × the version's measured time per item × its cores/GPUs × the prices, with its basis. */
  cost: CostEstimate;
}

/**
 * What a job would take before it is submitted (read-only): the same estimate a submission
 * records on its job and holds against the CPU- and GPU-second quotas.
 */
export async function estimateJob({ db }: Pick<Deps, 'db'>, _viewer: Viewer, q: { model: string; items: number }): Promise<JobEstimate> {
  const version = await resolveModelRef(db, q.model);
  return {
    model: version.slug,
    version: version.version,
    items: q.items,
    tasks: version.runtime.kind === 'consensus' ? 1 : Math.ceil(q.items / version.batchSize),
    batchSize: version.batchSize,
    cost: await estimateCost(db, version, q.items),
  };
}
