import type { Strategy } from '../strategy';
import { validateCommonParams, validateMemberMap } from './common';
import { vote } from './vote';

const NAME = 'weighted-vote';

/**
 * Highest total weight wins (params.weights by member, else the configured weight); ties go to
 * more votes, then to the label first in code-point order.
 */
export const weightedVoteStrategy: Strategy = {
  name: NAME,
  kind: 'label',
  description: 'Label with the highest total member weight (ties: more votes, then alphabetical)',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
    if (params.weights !== undefined) validateMemberMap(NAME, 'params.weights', params.weights, members, { value: 0, strict: false });
  },
  aggregate(values, params) {
    return vote(NAME, values, params, 'weight');
  },
};
