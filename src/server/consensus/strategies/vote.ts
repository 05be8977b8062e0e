import { AppError } from '../../errors';
import type { Aggregate, ConsensusValue, MemberValue, StrategyParams } from '../strategy';
import { DEFAULT_MIN_AGREEMENT, isFiniteNumber, memberWeight } from './common';

interface Tally {
  label: ConsensusValue;
  count: number;
  weight: number;
}

/**
 * Shared by the two votes. `by` is what wins: 'count' (majority-vote) or 'weight'
 * (weighted-vote); a tie on it is broken by the other, then by the label's text in code-point
 * order (so 'active' beats 'inactive', and 10 beats 9 as '10' < '9'). Weights within 1e-12
 * (relative) count as equal, so 0.1 + 0.2 ties 0.3.
 */
export function vote(strategy: string, values: MemberValue[], params: StrategyParams, by: 'count' | 'weight'): Aggregate {
  if (values.length === 0) throw new AppError('MODEL_ERROR', `${strategy}: no member succeeded for this item`);
  const tallies = new Map<ConsensusValue, Tally>();
  for (const v of values) {
    if (typeof v.value === 'number' && !Number.isFinite(v.value)) {
      throw new AppError('MODEL_ERROR', `${strategy}: member '${v.member}' gave ${v.value}, not a label`);
    }
    const w = memberWeight(v, params);
    if (!isFiniteNumber(w) || w < 0) throw new AppError('INVALID_INPUT', `${strategy}: member '${v.member}' has weight ${w}; weights must be ≥ 0`);
    const t = tallies.get(v.value) ?? { label: v.value, count: 0, weight: 0 };
    t.count += 1;
    t.weight += w;
    tallies.set(v.value, t);
  }
  const order = by === 'count' ? [byCount, byWeight, byLabel] : [byWeight, byCount, byLabel];
  const [winner] = [...tallies.values()].sort((a, b) => order.reduce((d, cmp) => d || cmp(a, b), 0));
  const agreement = winner.count / values.length;
  return {
    value: winner.label,
    spread: { agreement, high: agreement < (params.minAgreement ?? DEFAULT_MIN_AGREEMENT) },
    memberCount: values.length,
  };
}

const byCount = (a: Tally, b: Tally) => b.count - a.count;

function byWeight(a: Tally, b: Tally): number {
  const d = b.weight - a.weight;
  return Math.abs(d) <= 1e-12 * Math.max(Math.abs(a.weight), Math.abs(b.weight)) ? 0 : d;
}

function byLabel(a: Tally, b: Tally): number {
  const sa = String(a.label);
  const sb = String(b.label);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return typeof a.label === typeof b.label ? 0 : typeof a.label === 'number' ? -1 : 1;
}
