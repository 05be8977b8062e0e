import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { toAppError, type AppError } from '../errors';
import { toTRPCError } from './trpc';

/** An AppError's HTTP status: the same mapping tRPC uses, so every surface answers alike. */
export function httpStatusOf(e: AppError): number {
  return getHTTPStatusCodeFromError(toTRPCError(e));
}

/** A plain route handler's error answer: `{ error: { message, appCode } }` with the mapped status. */
export function errorResponse(e: unknown, headers: Record<string, string> = {}): Response {
  const err = toAppError(e);
  if (err.code === 'INTERNAL') console.error('[http]', e);
  const message = err.code === 'INTERNAL' ? 'something went wrong on the gateway; try again, and tell its operators if it persists' : err.message;
  return Response.json({ error: { message, appCode: err.code } }, { status: httpStatusOf(err), headers });
}
