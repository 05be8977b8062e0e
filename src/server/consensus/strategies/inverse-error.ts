import { AppError } from '../../errors';
import type { StrategyParams, Strategy } from '../strategy';
import { invalidParams, mean, numberAggregate, numericValues, validateCommonParams, validateMemberMap, weightedMean } from './common';

const NAME = 'inverse-error';

/**
 * Weights 1/err² from params.errors (e.g. each member's RMSE on a reference set, from
 * `fitInverseError`). A member without an error gets the mean weight of the members that have
 * one (all of params.errors, not just those present for the item, so its weight is stable).
 * The configured member weights are not used: the errors are the weights.
 */
export const inverseErrorStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Mean weighted by 1/error² of each member on a reference set',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
    if (params.errors === undefined) {
      invalidParams(NAME, `params.errors is required: each member's error (e.g. RMSE) on a reference set, for at least one of ${members.join(', ')}`);
    }
    validateMemberMap(NAME, 'params.errors', params.errors, members, { value: 0, strict: true });
    if (!members.some((m) => params.errors![m] !== undefined)) {
      invalidParams(NAME, `params.errors must give an error for at least one of ${members.join(', ')}`);
    }
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    const weights = inverseSquareWeights(params);
    const fallback = mean([...weights.values()]);
    return numberAggregate(weightedMean(NAME, xs, values.map((v) => weights.get(v.member) ?? fallback)), xs, params);
  },
};

function inverseSquareWeights(params: StrategyParams): Map<string, number> {
  const entries = Object.entries(params.errors ?? {});
  if (entries.length === 0) throw new AppError('INVALID_INPUT', `${NAME}: params.errors is empty; give each member's error on a reference set`);
  return new Map(entries.map(([m, err]) => [m, 1 / err ** 2]));
}
