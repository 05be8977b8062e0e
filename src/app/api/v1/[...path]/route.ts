import type { NextRequest } from 'next/server';
import { resolveViewer } from '@/server/api/context';
import { handleRest } from '@/server/api/rest/handler';
import { getServerDeps } from '@/server/deps';

export const dynamic = 'force-dynamic';

/** REST at /api/v1, generated from the tRPC procedures (src/server/api/rest); the document is /api/v1/openapi.json. */
function handler(req: NextRequest) {
  return handleRest(req, { deps: getServerDeps, resolveViewer: (deps, r) => resolveViewer(deps, r as NextRequest) });
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE, handler as HEAD };
