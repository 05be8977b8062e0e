import { AppError } from '../../errors';
import type { Strategy } from '../strategy';
import { invalidParams, isFiniteNumber, numberAggregate, numericValues, validateCommonParams, validateMemberMap } from './common';

const NAME = 'stacking';

/**
 * value = intercept + Σ coef_m × value_m (coefficients from `fitStacking`). When members are
 * missing for an item, the present members' coefficients are scaled so they sum to the sum of
 * all coefficients: the missing members' share is spread over the others in proportion, which
 * keeps the output's scale when members estimate the same quantity. Impossible when either sum
 * is 0, and then the item fails.
 */
export const stackingStrategy: Strategy = {
  name: NAME,
  kind: 'number',
  description: 'Linear model fitted on measured data: intercept + Σ coefficient × member',
  validateParams(params, members) {
    validateCommonParams(NAME, params, members);
    const c = params.coefficients;
    const fix = 'fit them with fitStacking on an evaluation set';
    if (c === undefined) invalidParams(NAME, `params.coefficients ({ intercept, members }) is required; ${fix}`);
    if (!isFiniteNumber(c.intercept)) invalidParams(NAME, `params.coefficients.intercept must be a finite number; ${fix}`);
    validateMemberMap(NAME, 'params.coefficients.members', c.members, members);
    const missing = members.filter((m) => c.members[m] === undefined);
    if (missing.length > 0) invalidParams(NAME, `params.coefficients.members has no coefficient for ${missing.join(', ')}; ${fix}`);
  },
  aggregate(values, params) {
    const xs = numericValues(NAME, values);
    const c = params.coefficients;
    if (!c) throw new AppError('INVALID_INPUT', `${NAME}: params.coefficients is required`);
    const coefs = values.map(({ member }) => {
      const coef = c.members[member];
      if (coef === undefined) throw new AppError('INVALID_INPUT', `${NAME}: no coefficient for member '${member}'`);
      return coef;
    });
    let scale = 1;
    if (values.length < Object.keys(c.members).length) {
      const full = sum(Object.values(c.members));
      const present = sum(coefs);
      const tiny = 1e-12 * sum(Object.values(c.members).map(Math.abs));
      if (Math.abs(full) <= tiny || Math.abs(present) <= tiny) {
        const names = values.map((v) => v.member).join(', ');
        throw new AppError('MODEL_ERROR', `${NAME}: cannot stand in for the missing members with ${names}: a coefficient sum is 0; require all members (quorum) or refit`);
      }
      scale = full / present;
    }
    const value = c.intercept + scale * sum(xs.map((x, i) => coefs[i] * x));
    return numberAggregate(value, xs, params);
  },
};

function sum(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
