import type { Strategy } from '../strategy';
import { numberAggregate, numericValues, validateCommonParams } from './common';

const NAME = 'min';

export const minStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Lowest member value (e.g. the most optimistic docking score)',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    return numberAggregate(Math.min(...xs), xs, params);
  },
};
