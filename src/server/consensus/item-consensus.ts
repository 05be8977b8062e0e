import type { ResultRow } from '../db/types';
import type { TConsensusRuntime } from '../models/models.schema';
import { memberKey } from '../../shared/consensus-member';
import { getStrategy, type MemberValue, type StrategyParams } from './strategy';
import { estimateUncertainty } from './uncertainty';

/** A member's own word on whether the molecule is inside its applicability domain (trained models give one). */
export interface MemberDomain {
  inDomain: boolean;
  similarity: number | null;
}

function domainOf(output: Record<string, unknown> | null | undefined): MemberDomain | null {
  const ad = output?.applicabilityDomain as { inDomain?: unknown; similarity?: unknown } | undefined;
  if (!ad || typeof ad !== 'object' || typeof ad.inDomain !== 'boolean') return null;
  return { inDomain: ad.inDomain, similarity: typeof ad.similarity === 'number' ? ad.similarity : null };
}

export type ItemConsensus =
  | { output: Record<string, unknown> }
  | { code: 'QUORUM_NOT_MET' | 'MODEL_ERROR'; error: string };

/**
 * Joins one item's member results into the consensus: each member's value (after its unit
 * transform), why the others gave none, the aggregate and its spread — or, below the quorum, a
 * failure that lists which members failed and why.
 */
export function consensusForItem(runtime: TConsensusRuntime, memberResults: Map<string, ResultRow | undefined>): ItemConsensus {
  const strategy = getStrategy(runtime.strategy);
  const values: MemberValue[] = [];
  const memberValues: Record<string, number | string | null> = {};
  const failed: Record<string, string> = {};
  const domains: Record<string, MemberDomain> = {};
  for (const m of runtime.members) {
    const key = memberKey(m);
    const r = memberResults.get(key);
    memberValues[key] = null;
    if (!r) {
      failed[key] = 'no result (the member job was cancelled or is missing)';
      continue;
    }
    if (r.status === 'failed') {
      failed[key] = `${r.error_code ?? 'MODEL_ERROR'}: ${r.error ?? 'failed'}`;
      continue;
    }
    const raw = r.output?.[m.field];
    let value: number | string;
    if (strategy.kind === 'number') {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        failed[key] = `gave no number in "${m.field}" (got ${JSON.stringify(raw)})`;
        continue;
      }
      value = raw * (m.scale ?? 1) + (m.offset ?? 0);
    } else {
      if (typeof raw !== 'string' && typeof raw !== 'boolean') {
        failed[key] = `gave no label in "${m.field}" (got ${JSON.stringify(raw)})`;
        continue;
      }
      value = String(raw);
    }
    memberValues[key] = value;
    values.push({ member: key, value, weight: m.weight ?? 1 });
    const domain = domainOf(r.output);
    if (domain) domains[key] = domain;
  }
  if (values.length < runtime.quorum) {
    const why = Object.entries(failed).map(([k, e]) => `${k} (${e})`).join('; ');
    return {
      code: 'QUORUM_NOT_MET',
      error: `only ${values.length} of ${runtime.members.length} members gave a value and the quorum is ${runtime.quorum}: ${why}`,
    };
  }
  let agg;
  try {
    agg = strategy.aggregate(values, runtime.params as StrategyParams);
  } catch (e) {
    // A strategy can fail for one item (e.g. weights summing to 0); only that item fails.
    return { code: 'MODEL_ERROR', error: `${runtime.strategy} could not combine ${values.map((v) => v.member).join(', ')}: ${(e as Error).message}` };
  }
  const reported = Object.values(domains);
  const inDomain = reported.every((d) => d.inDomain);
  const params = runtime.params as StrategyParams;
  // Numbers carry the expected error for their spread: calibrated when the version learnt one on an evaluation.
  const uncertainty = typeof agg.value === 'number' && typeof agg.spread.std === 'number' ? estimateUncertainty(params.uncertainty, agg.value, agg.spread.std, inDomain) : undefined;
  return {
    output: {
      [runtime.outputField]: agg.value,
      members: memberValues,
      spread: agg.spread,
      memberCount: agg.memberCount,
      highSpread: agg.spread.high,
      ...(uncertainty ? { uncertainty } : {}),
      ...(reported.length ? { applicabilityDomain: { inDomain, members: domains } } : {}),
      ...(Object.keys(failed).length ? { failedMembers: failed } : {}),
    },
  };
}
