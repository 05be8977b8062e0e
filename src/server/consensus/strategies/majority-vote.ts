import type { Strategy } from '../strategy';
import { validateCommonParams, validateMemberMap } from './common';
import { vote } from './vote';

const NAME = 'majority-vote';

/** Most votes wins; ties go to the higher total weight, then to the label first in code-point order. */
export const majorityVoteStrategy: Strategy = {
  name: NAME,
  kind: 'label',
  description: 'Label given by the most members (ties: higher total weight, then alphabetical)',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
    if (params.weights !== undefined) validateMemberMap(NAME, 'params.weights', params.weights, members, { value: 0, strict: false });
  },
  aggregate(values, params) {
    return vote(NAME, values, params, 'count');
  },
};
