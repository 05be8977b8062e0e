import type { NextRequest } from 'next/server';
import { getServerDeps } from '@/server/deps';
import { errorResponse } from '@/server/agent/http';
import { handleMcpHttp } from '@/server/agent/mcp-server';

export const dynamic = 'force-dynamic';

/** MCP over Streamable HTTP, stateless, authenticated by an API token (`Authorization: Bearer mgw_…`). */
export async function POST(req: NextRequest) {
  try {
    return await handleMcpHttp(await getServerDeps(), req);
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
