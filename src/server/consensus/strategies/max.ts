import type { Strategy } from '../strategy';
import { numberAggregate, numericValues, validateCommonParams } from './common';

const NAME = 'max';

export const maxStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Highest member value (e.g. the most cautious toxicity estimate)',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    return numberAggregate(Math.max(...xs), xs, params);
  },
};
