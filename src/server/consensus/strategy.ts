import { AppError } from '../errors';
import { STRATEGIES } from './strategies';
import type { SpreadCalibration } from './uncertainty';

/** A member's output for one item: a number, or a class label. */
export type ConsensusValue = number | string;

/** One member's value for one item; `weight` comes from the consensus config (default 1). */
export interface MemberValue {
  member: string;
  value: ConsensusValue;
  weight: number;
}

/**
 * How much the members disagree. Numbers: population `std` and `range` (max − min) of the raw
 * member values. Labels: `agreement`, the fraction of members voting for the winner.
 */
export interface Spread {
  std?: number;
  range?: number;
  agreement?: number;
  /** std > params.highSpread (numbers) or agreement < params.minAgreement (labels). */
  high: boolean;
}

/** The consensus for one item. */
export interface Aggregate {
  value: ConsensusValue;
  spread: Spread;
  memberCount: number;
}

/** Settings of a consensus; each strategy reads the ones it needs. Member maps are keyed by member name. */
export interface StrategyParams {
  /** trimmed-mean: fraction cut from each end, in [0, 0.5); default 0.2. */
  trim?: number;
  /** Numbers: flag the spread as high when std exceeds this (output units); default 1.0. */
  highSpread?: number;
  /** Labels: flag the spread as high when agreement is below this; default 0.5. */
  minAgreement?: number;
  /** weighted-mean, weighted-vote (and majority-vote tie-breaks): overrides `MemberValue.weight`. */
  weights?: Record<string, number>;
  /** stacking: value = intercept + Σ members[m] × value[m]; see `fitStacking`. */
  coefficients?: { intercept: number; members: Record<string, number> };
  /** inverse-error: each member's error (e.g. RMSE on a reference set); see `fitInverseError`. */
  errors?: Record<string, number>;
  /** Numbers: the expected error for a spread, learnt on an evaluation; see `fitSpreadCalibration`. */
  uncertainty?: SpreadCalibration;
}

/** A way to combine members' values into one; registered in `strategies/index.ts`. */
export interface Strategy {
  /** Registry key: 'mean', 'weighted-mean', … */
  name: string;
  kind: 'number' | 'label';
  /** One line for the UI. */
  description: string;
  /** Throws an AppError (INVALID_INPUT) whose message says what to fix when params are unusable. */
  validateParams(params: StrategyParams, members: string[]): void;
  /** `values`: only the members that succeeded for this item (at least one). */
  aggregate(values: MemberValue[], params: StrategyParams): Aggregate;
}

/** The strategy registered under `name`; throws listing the known names. */
export function getStrategy(name: string): Strategy {
  const found = STRATEGIES.find((s) => s.name === name);
  if (!found) {
    const known = STRATEGIES.map((s) => s.name).join(', ');
    throw new AppError('INVALID_INPUT', `unknown consensus strategy '${name}'; use one of: ${known}`);
  }
  return found;
}

export function listStrategies(): Strategy[] {
  return [...STRATEGIES];
}
