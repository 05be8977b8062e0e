import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { toAppError, type AppError } from '../errors';
import { toTRPCError } from './trpc';

/** An AppError's HTTP status: the same mapping tRPC uses, so every surface answers alike. */
export function httpStatusOf(e: AppError): number {
  return getHTTPStatusCodeFromError(toTRPCError(e));
}

/** The body every plain route handler answers an error with (tRPC's own keeps its envelope). */
export interface ErrorBody {
  error: { message: string; appCode: string; details?: Record<string, unknown> };
}

/** A plain route handler's error answer: `{ error: { message, appCode, details? } }` with the mapped status. */
export function errorResponse(e: unknown, headers: Record<string, string> = {}): Response {
  const err = toAppError(e);
  if (err.code === 'INTERNAL') console.error('[http]', e);
  const message = err.code === 'INTERNAL' ? 'something went wrong on the gateway; try again, and tell its operators if it persists' : err.message;
  const body: ErrorBody = { error: { message, appCode: err.code, ...(err.details && err.code !== 'INTERNAL' ? { details: err.details } : {}) } };
  return Response.json(body, { status: httpStatusOf(err), headers });
}
