import type { NextRequest } from 'next/server';
import { getServerDeps } from '@/server/deps';
import { AppError } from '@/server/errors';
import { errorResponse } from '@/server/agent/http';
import { handleMcpRequest } from '@/server/agent/mcp-server';
import { viewerFromToken } from '@/server/users/users.service';

export const dynamic = 'force-dynamic';

/** MCP over Streamable HTTP, stateless, authenticated by an API token (`Authorization: Bearer mgw_…`). */
export async function POST(req: NextRequest) {
  try {
    const auth = req.headers.get('authorization');
    const deps = await getServerDeps();
    const viewer = auth?.toLowerCase().startsWith('bearer ') ? await viewerFromToken(deps, auth.slice(7).trim()) : null;
    if (!viewer) {
      const res = errorResponse(new AppError('UNAUTHORIZED', 'send an API token as "Authorization: Bearer mgw_…" (create one on /settings)'));
      res.headers.set('www-authenticate', 'Bearer realm="model-gateway"');
      return res;
    }
    return await handleMcpRequest(deps, viewer, req);
  } catch (e) {
    return errorResponse(e);
  }
}

/** Stateless: no server-initiated stream and no sessions to end. */
function notAllowed() {
  return Response.json(
    { jsonrpc: '2.0', error: { code: -32000, message: 'this MCP server is stateless: POST JSON-RPC requests to /api/mcp' }, id: null },
    { status: 405, headers: { allow: 'POST' } },
  );
}

export { notAllowed as GET, notAllowed as DELETE };
