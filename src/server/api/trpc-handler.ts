import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { NextRequest } from 'next/server';
import { isAppError } from '../errors';
import { createContext } from './context';
import { REQUEST_ID_HEADER, requestIdOf } from './request-identity';
import { limitRequestBody, MAX_BATCH_SIZE, MAX_BODY_BYTES } from './request-limits';
import { appRouter } from './root';

/**
 * `/api/trpc/*`, answered the same way whoever serves it: the Next route handler, or the lean
 * API server beside it (lean-server.ts). A plain Request reaches `createContext` only with a
 * Bearer token, which never reads Next's cookies.
 */
export function handleTrpcRequest(req: Request): Promise<Response> {
  // One id per HTTP request: echoed in the answer and recorded with every audit entry it causes.
  const requestId = requestIdOf(req.headers);
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    // Bodies are counted while they stream (a chunked body has no Content-Length to trust).
    req: limitRequestBody(req, MAX_BODY_BYTES),
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: () => createContext(req as NextRequest, requestId),
    responseMeta({ errors }) {
      const headers = new Headers({ [REQUEST_ID_HEADER]: requestId });
      // A refusal for rate says when to come back.
      const wait = errors.map((e) => (isAppError(e.cause) && e.cause.code === 'RATE_LIMITED' ? Number(e.cause.details?.retryAfterSeconds) : 0)).find((n) => n > 0);
      if (wait) headers.set('retry-after', String(wait));
      return { headers };
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error);
    },
  });
}
