import type { Strategy } from '../strategy';
import { inverseErrorStrategy } from './inverse-error';
import { majorityVoteStrategy } from './majority-vote';
import { maxStrategy } from './max';
import { meanStrategy } from './mean';
import { medianStrategy } from './median';
import { minStrategy } from './min';
import { stackingStrategy } from './stacking';
import { trimmedMeanStrategy } from './trimmed-mean';
import { weightedMeanStrategy } from './weighted-mean';
import { weightedVoteStrategy } from './weighted-vote';

/** Every consensus strategy, in the order the UI lists them. Adding one is adding a file and a line here. */
export const STRATEGIES: readonly Strategy[] = [
  meanStrategy,
  weightedMeanStrategy,
  medianStrategy,
  trimmedMeanStrategy,
  minStrategy,
  maxStrategy,
  inverseErrorStrategy,
  stackingStrategy,
  majorityVoteStrategy,
  weightedVoteStrategy,
];
