import { SYSTEM_VIEWER } from '../users/viewer';
import { resolveMembers } from '../consensus/consensus.service';
import type { DbOrTx } from '../db/client';
import type { ModelVersion } from '../models/models.types';
import { resourceUnits } from './attribution';
import { LruCache } from '../lru-cache';
import { ESTIMATE_SAMPLE, versionTimePerItem } from './estimate.repository';
import { costOf, readPricing, type Pricing } from './pricing';

/** One version's part of an estimate: a model, or each member of a consensus. */
export interface EstimatePart {
  model: string;
  cpu: number;
  gpu: number;
  /** Mean model time per item over `sample` past results; null with no history yet. */
  msPerItem: number | null;
  sample: number;
}

/**
 * What a job would cost before it is submitted: items × the version's measured time per item
 * (× its cores and GPUs) × the prices. `basis` says what it rests on, in words.
 */
export interface CostEstimate {
  items: number;
  currency: string;
  prices: { cpuSecond: number; gpuSecond: number };
  /** Null when no part has any history yet. */
  cpuSeconds: number | null;
  gpuSeconds: number | null;
  cost: number | null;
  /** False when some part (a consensus member) has no history and is left out of the figures. */
  complete: boolean;
  /** Past results the figures rest on (summed over a consensus's members). */
  sample: number;
  parts: EstimatePart[];
  basis: string;
}

const MAX_DEPTH = 4;

/**
 * A version's time per item once it rests on a full sample, kept for a few seconds: the mean of
 * 2,000 results barely moves between two submissions, and reading them for every one of many
 * concurrent submissions is most of what the database does for them. Younger versions are read afresh.
 */
const SETTLED_MS = 10_000;
const settled = new LruCache<string, { t: { meanMs: number | null; sample: number }; until: number }>(1000);

async function timePerItem(db: DbOrTx, versionId: string) {
  const hit = settled.get(versionId);
  if (hit && hit.until > Date.now()) return hit.t;
  const t = await versionTimePerItem(db, versionId);
  if (t.sample >= ESTIMATE_SAMPLE) settled.set(versionId, { t, until: Date.now() + SETTLED_MS });
  return t;
}

async function partsOf(db: DbOrTx, version: ModelVersion, depth = 0): Promise<EstimatePart[]> {
  if (version.runtime.kind !== 'consensus') {
    const { cpu, gpu } = resourceUnits(version);
    const t = await timePerItem(db, version.id);
    return [{ model: `${version.slug}@${version.version}`, cpu, gpu, msPerItem: t.meanMs, sample: t.sample }];
  }
  if (depth >= MAX_DEPTH) return [];
  // A consensus runs every member on every item; its own aggregation takes no model time.
  // Timing only (no access decision): the caller's access to each member is checked when it runs.
  const members = await resolveMembers(db, SYSTEM_VIEWER, version.runtime);
  return (await Promise.all(members.map((m) => partsOf(db, m.version, depth + 1)))).flat();
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toPrecision(2));

export async function estimateCost(db: DbOrTx, version: ModelVersion, items: number, pricing: Pricing = readPricing()): Promise<CostEstimate> {
  return (await costEstimator(db, version, pricing))(items);
}

/** Reads what an estimate of `version` rests on once, for estimates of any number of items. */
export async function costEstimator(db: DbOrTx, version: ModelVersion, pricing: Pricing = readPricing()): Promise<(items: number) => CostEstimate> {
  const parts = await partsOf(db, version);
  return (items) => estimateFrom(parts, items, pricing);
}

function estimateFrom(parts: EstimatePart[], items: number, pricing: Pricing): CostEstimate {
  const known = parts.filter((p) => p.msPerItem !== null);
  const cpuSeconds = known.reduce((s, p) => s + ((items * p.msPerItem!) / 1000) * p.cpu, 0);
  const gpuSeconds = known.reduce((s, p) => s + ((items * p.msPerItem!) / 1000) * p.gpu, 0);
  const some = known.length > 0;
  const describe = (p: EstimatePart) =>
    p.msPerItem === null
      ? `${p.model}: no history yet`
      : `${p.model}: ${fmt(p.msPerItem)} ms per item (mean of ${p.sample} past result${p.sample === 1 ? '' : 's'}) × ${p.cpu} CPU${p.gpu ? ` + ${p.gpu} GPU` : ''}`;
  const basis = !some
    ? `no history yet: ${parts.map((p) => p.model).join(', ')} ${parts.length === 1 ? 'has' : 'have'} no measured results, so the cost is unknown until one runs`
    : `${items} item${items === 1 ? '' : 's'} × ${parts.map(describe).join('; ')}; at ${pricing.cpuSecond} ${pricing.currency}/CPU-second and ${pricing.gpuSecond} ${pricing.currency}/GPU-second` +
      (known.length < parts.length ? '; members with no history are not counted' : '');
  return {
    items,
    currency: pricing.currency,
    prices: { cpuSecond: pricing.cpuSecond, gpuSecond: pricing.gpuSecond },
    cpuSeconds: some ? cpuSeconds : null,
    gpuSeconds: some ? gpuSeconds : null,
    cost: some ? costOf({ cpuSeconds, gpuSeconds }, pricing) : null,
    complete: known.length === parts.length,
    sample: known.reduce((s, p) => s + p.sample, 0),
    parts,
    basis,
  };
}
