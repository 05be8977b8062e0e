import { AppError } from '../../errors';
import type { Aggregate, MemberValue, StrategyParams } from '../strategy';
import { validateSpreadCalibration } from '../uncertainty';

export const DEFAULT_HIGH_SPREAD = 1.0;
export const DEFAULT_MIN_AGREEMENT = 0.5;

export function invalidParams(strategy: string, message: string): never {
  throw new AppError('INVALID_INPUT', `${strategy}: ${message}`);
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Checks the params every strategy reads. Params arrive as untyped JSON from a manifest, so
 * types are checked at run time too.
 */
export function validateCommonParams(strategy: string, params: StrategyParams, members: string[]): void {
  if (members.length === 0) invalidParams(strategy, 'a consensus needs at least one member');
  const { highSpread, minAgreement } = params;
  if (highSpread !== undefined && !(isFiniteNumber(highSpread) && highSpread >= 0)) {
    invalidParams(strategy, `params.highSpread must be a number ≥ 0 (output units), got ${JSON.stringify(highSpread)}`);
  }
  if (minAgreement !== undefined && !(isFiniteNumber(minAgreement) && minAgreement >= 0 && minAgreement <= 1)) {
    invalidParams(strategy, `params.minAgreement must be a number in [0, 1], got ${JSON.stringify(minAgreement)}`);
  }
  if (params.uncertainty !== undefined) {
    try {
      validateSpreadCalibration(params.uncertainty);
    } catch (e) {
      invalidParams(strategy, (e as Error).message);
    }
  }
}

/**
 * Checks a per-member map (weights, errors, coefficients): only known member names, finite
 * numbers, and `min` as a bound (≥ 0 or > 0). Unknown names are rejected: usually a typo.
 */
export function validateMemberMap(
  strategy: string,
  field: string,
  map: unknown,
  members: string[],
  min?: { value: number; strict: boolean },
): void {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    invalidParams(strategy, `${field} must be an object keyed by member name (${members.join(', ')})`);
  }
  for (const [name, x] of Object.entries(map)) {
    if (!members.includes(name)) {
      invalidParams(strategy, `${field} names '${name}', which is not a member; members are ${members.join(', ')}`);
    }
    const bad = !isFiniteNumber(x) || (min && (min.strict ? x <= min.value : x < min.value));
    if (bad) {
      const bound = min ? ` ${min.strict ? '>' : '≥'} ${min.value}` : '';
      invalidParams(strategy, `${field}.${name} must be a finite number${bound}, got ${JSON.stringify(x)}`);
    }
  }
}

/** The weight of a member: params.weights by name wins over the consensus config's weight. */
export function memberWeight(v: MemberValue, params: StrategyParams): number {
  return params.weights?.[v.member] ?? v.weight;
}

/** Member values as finite numbers; a failed item names the member and what was wrong. */
export function numericValues(strategy: string, values: MemberValue[]): number[] {
  if (values.length === 0) throw new AppError('MODEL_ERROR', `${strategy}: no member succeeded for this item`);
  return values.map(({ member, value }) => {
    if (typeof value !== 'number') {
      throw new AppError(
        'MODEL_ERROR',
        `${strategy} needs numbers but member '${member}' gave ${JSON.stringify(value)}; use majority-vote or weighted-vote for labels`,
      );
    }
    if (!Number.isFinite(value)) throw new AppError('MODEL_ERROR', `${strategy}: member '${member}' gave ${value}`);
    return value;
  });
}

export function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function weightedMean(strategy: string, xs: number[], weights: number[]): number {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const w = weights[i];
    if (!isFiniteNumber(w) || w < 0) throw new AppError('INVALID_INPUT', `${strategy}: weight ${w} is not a finite number ≥ 0`);
    total += w;
    sum += w * xs[i];
  }
  if (!(total > 0)) throw new AppError('INVALID_INPUT', `${strategy}: the members present have a total weight of 0`);
  return sum / total;
}

/** Wraps a numeric consensus with the spread of the raw (unweighted) member values. */
export function numberAggregate(value: number, xs: number[], params: StrategyParams): Aggregate {
  const m = mean(xs);
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
  const range = Math.max(...xs) - Math.min(...xs);
  return { value, spread: { std, range, high: std > (params.highSpread ?? DEFAULT_HIGH_SPREAD) }, memberCount: xs.length };
}
