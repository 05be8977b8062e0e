import type { Strategy } from '../strategy';
import { invalidParams, isFiniteNumber, mean, numberAggregate, numericValues, validateCommonParams } from './common';

const DEFAULT_TRIM = 0.2;

const NAME = 'trimmed-mean';

/**
 * Cuts floor(trim × n) values from each end, as scipy's trim_mean does. With fewer than 3
 * values nothing can be cut from both ends, so it is the plain mean (as it also is whenever
 * floor(trim × n) = 0, e.g. 4 values at trim 0.2).
 */
export const trimmedMeanStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Mean after dropping the highest and lowest fraction (params.trim, default 0.2) of members',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
    const { trim } = params;
    if (trim !== undefined && !(isFiniteNumber(trim) && trim >= 0 && trim < 0.5)) {
      invalidParams(NAME, `params.trim is the fraction cut from each end and must be in [0, 0.5), got ${JSON.stringify(trim)}`);
    }
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    if (xs.length < 3) return numberAggregate(mean(xs), xs, params);
    // The epsilon keeps 0.29 × 100 = 28.999…96 from cutting one value too few.
    const cut = Math.floor((params.trim ?? DEFAULT_TRIM) * xs.length + 1e-9);
    const kept = [...xs].sort((a, b) => a - b).slice(cut, xs.length - cut);
    return numberAggregate(mean(kept), xs, params);
  },
};
