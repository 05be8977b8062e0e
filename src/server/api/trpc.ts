import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { AppError, isAppError, type ErrorCode } from '../errors';
import type { ServerDeps } from '../deps';
import type { Viewer } from '../users/viewer';

export interface Context extends ServerDeps {
  viewer: Viewer | null;
}

const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  QUOTA_EXCEEDED: 'TOO_MANY_REQUESTS',
  MODEL_ERROR: 'UNPROCESSABLE_CONTENT',
  MODEL_CRASHED: 'UNPROCESSABLE_CONTENT',
  MODEL_TIMEOUT: 'TIMEOUT',
  MODEL_PROTOCOL: 'UNPROCESSABLE_CONTENT',
  QUORUM_NOT_MET: 'UNPROCESSABLE_CONTENT',
  TIMEOUT: 'TIMEOUT',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** The one place AppError becomes a tRPC (and so HTTP) error. */
export function toTRPCError(e: AppError): TRPCError {
  return new TRPCError({ code: TRPC_CODE[e.code], message: e.message, cause: e });
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const zod = cause instanceof ZodError ? cause : null;
    const appCode: ErrorCode | undefined = isAppError(cause)
      ? cause.code
      : zod
        ? 'INVALID_INPUT'
        : error.code === 'UNAUTHORIZED'
          ? 'UNAUTHORIZED'
          : error.code === 'PAYLOAD_TOO_LARGE'
            ? 'PAYLOAD_TOO_LARGE'
            : undefined;
    const message = zod
      ? zod.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')
      : shape.message;
    return { ...shape, message, data: { ...shape.data, appCode: appCode ?? 'INTERNAL', stack: undefined } };
  },
});

/** Services throw AppError; this turns it into the mapped tRPC error. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    throw toTRPCError(result.error.cause);
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in, or send an API token as "Authorization: Bearer mgw_…"' });
  }
  return next({ ctx: { ...ctx, viewer: ctx.viewer } });
});
