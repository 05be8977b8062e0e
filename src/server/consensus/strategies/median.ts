import type { Strategy } from '../strategy';
import { numberAggregate, numericValues, validateCommonParams } from './common';

const NAME = 'median';

export const medianStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Middle value of the members (mean of the two middle ones for an even count)',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const value = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return numberAggregate(value, xs, params);
  },
};
