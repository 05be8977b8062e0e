import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { NextRequest } from 'next/server';
import { createContext } from '@/server/api/context';
import { limitRequestBody, MAX_BATCH_SIZE, MAX_BODY_BYTES } from '@/server/api/request-limits';
import { appRouter } from '@/server/api/root';
import { isAppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

function handler(req: NextRequest) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    // Bodies are counted while they stream (a chunked body has no Content-Length to trust).
    req: limitRequestBody(req, MAX_BODY_BYTES),
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: () => createContext(req),
    responseMeta({ errors }) {
      // A refusal for rate says when to come back.
      const wait = errors.map((e) => (isAppError(e.cause) && e.cause.code === 'RATE_LIMITED' ? Number(e.cause.details?.retryAfterSeconds) : 0)).find((n) => n > 0);
      return wait ? { headers: new Headers({ 'retry-after': String(wait) }) } : {};
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error);
    },
  });
}

// Other methods reach tRPC too, which refuses them as a typed 405 rather than Next's bare one.
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
