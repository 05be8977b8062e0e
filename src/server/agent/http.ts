import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { toTRPCError } from '../api/trpc';
import { limitRequestBody } from '../api/request-limits';
import { AppError, toAppError } from '../errors';

/**
 * Any failure of an agent route in the plain route handlers' envelope, `{ error: { message, appCode } }`,
 * with the status the one error mapping gives its code.
 */
export function errorResponse(e: unknown): Response {
  const app = toAppError(e instanceof Error && 'cause' in e && e.cause instanceof AppError ? e.cause : e);
  if (app.code === 'INTERNAL') console.error('[agent]', e);
  const message = app.code === 'INTERNAL' ? 'something went wrong on the gateway; try again, and tell its operators if it persists' : app.message;
  return Response.json({ error: { message, appCode: app.code } }, { status: getHTTPStatusCodeFromError(toTRPCError(app)) });
}

/** The request's JSON body, counted while it streams; INVALID_INPUT when it is not JSON. */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const text = await limitRequestBody(req, limit)
    .text()
    .catch((e: unknown) => {
      throw e instanceof Error && e.cause instanceof AppError ? e.cause : e;
    });
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('INVALID_INPUT', 'the request body is not JSON');
  }
}
