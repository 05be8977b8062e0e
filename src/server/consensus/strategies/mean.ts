import type { Strategy } from '../strategy';
import { mean, numberAggregate, numericValues, validateCommonParams } from './common';

const NAME = 'mean';

export const meanStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Arithmetic mean of the members that succeeded',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    return numberAggregate(mean(xs), xs, params);
  },
};
