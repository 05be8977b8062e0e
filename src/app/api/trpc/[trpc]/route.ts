import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { NextRequest } from 'next/server';
import { createContext } from '@/server/api/context';
import { REQUEST_ID_HEADER, requestIdOf } from '@/server/api/request-identity';
import { limitRequestBody, MAX_BATCH_SIZE, MAX_BODY_BYTES } from '@/server/api/request-limits';
import { appRouter } from '@/server/api/root';
import { isAppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

function handler(req: NextRequest) {
  // One id per HTTP request: echoed in the answer and recorded with every audit entry it causes.
  const requestId = requestIdOf(req.headers);
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    // Bodies are counted while they stream (a chunked body has no Content-Length to trust).
    req: limitRequestBody(req, MAX_BODY_BYTES),
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: () => createContext(req, requestId),
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

// Other methods reach tRPC too, which refuses them as a typed 405 rather than Next's bare one.
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
