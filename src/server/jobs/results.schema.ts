import { z } from 'zod';
import { RESULT_STATUSES } from '../../shared/results-query';

/** Most results one page may carry. */
export const MAX_RESULTS_PAGE = 1000;

const ZStatus = z.enum(RESULT_STATUSES);

// Field names are checked by the service (resultFieldProblem), so the refusal names the field and its limit.
const ZField = z.string().max(1000);

export const ZResultsFilter = z.object({
  /** One status, or several. */
  status: z.union([ZStatus, z.array(ZStatus).max(RESULT_STATUSES.length)]).optional(),
  /** Bounds on numeric output fields; an item whose field is not a number is left out. */
  ranges: z
    .array(z.object({ field: ZField, min: z.number().finite().optional(), max: z.number().finite().optional() }))
    .max(8, 'ranges: at most 8')
    .optional(),
  /** By an output field (items without it last) or by `index`; ties go in input order. */
  sort: z.object({ field: ZField, direction: z.enum(['asc', 'desc']).default('asc') }).optional(),
});
export type TResultsFilter = z.infer<typeof ZResultsFilter>;

/** `jobs.results`: a page of a job's results, by keyset (`cursor`, from the previous page) or by `offset`. */
export const ZResultsQuery = ZResultsFilter.extend({
  jobId: z.uuid(),
  cursor: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(MAX_RESULTS_PAGE).default(50),
  offset: z.number().int().min(0).default(0),
});
export type TResultsQuery = z.infer<typeof ZResultsQuery>;

export const RESULT_FORMATS = ['csv', 'sdf'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];
