import type { Strategy } from '../strategy';
import { memberWeight, numberAggregate, numericValues, validateCommonParams, validateMemberMap, weightedMean } from './common';

const NAME = 'weighted-mean';

/** Weights: params.weights by member name where given, else the member's configured weight. */
export const weightedMeanStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Mean weighted by each member’s weight',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
    if (params.weights !== undefined) validateMemberMap(NAME, 'params.weights', params.weights, members, { value: 0, strict: false });
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    const weights = values.map((v) => memberWeight(v, params));
    return numberAggregate(weightedMean(NAME, xs, weights), xs, params);
  },
};
