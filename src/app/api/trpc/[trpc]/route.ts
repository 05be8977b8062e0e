import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { NextRequest } from 'next/server';
import { createContext } from '@/server/api/context';
import { appRouter } from '@/server/api/root';

export const dynamic = 'force-dynamic';

/** Request bodies above this are refused before parsing (a job of 100,000 SMILES fits). */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

function handler(req: NextRequest) {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) {
    return Response.json(
      {
        error: {
          message: `request body is ${length} bytes; the limit is ${MAX_BODY_BYTES}. Split the inputs into several jobs`,
          code: -32600,
          data: { code: 'PAYLOAD_TOO_LARGE', appCode: 'PAYLOAD_TOO_LARGE', httpStatus: 413 },
        },
      },
      { status: 413 },
    );
  }
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext(req),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
