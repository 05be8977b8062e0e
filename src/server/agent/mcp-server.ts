import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { z } from 'zod';
import { MAX_BODY_BYTES } from '../api/request-limits';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { viewerFromToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { errorResponse } from './http';
import { AGENT_TOOLS } from './tools';
import { agentCaller, isToolError, runTool, type ToolEnv } from './tool-kit';

/**
 * The agent's tools as an MCP server for one request (stateless Streamable HTTP). Every call runs
 * through the same procedures with the token owner's context and is recorded like a chat call.
 * There is no server-side approval here: the MCP host asks its user (the annotations say which
 * tools change things), and the token can do no more than the user can over the API anyway.
 */
export function createMcpServer(deps: Deps, viewer: Viewer): McpServer {
  const server = new McpServer({ name: 'model-gateway', version: '0.1.0' }, { capabilities: { tools: {} } });
  const caller = agentCaller(deps, viewer);
  for (const t of AGENT_TOOLS) {
    server.registerTool(
      t.name,
      {
        title: t.title,
        description: t.description,
        // Every tool's input is a zod object; MCP lists it as its JSON Schema and validates calls by it.
        inputSchema: t.input as z.ZodObject,
        annotations: { title: t.title, readOnlyHint: t.kind === 'read', destructiveHint: t.kind === 'mutation', openWorldHint: false },
      },
      async (args: unknown, extra) => {
        const token = extra._meta?.progressToken;
        const env: ToolEnv = {
          caller,
          viewer,
          callKey: `mcp:${randomUUID()}`,
          signal: extra.signal,
          progress:
            token === undefined
              ? undefined
              : (p) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...p } }),
        };
        const out = await runTool(deps, t, args, env, { surface: 'mcp', conversationId: null, toolCallId: String(extra.requestId) });
        return { content: [{ type: 'text' as const, text: JSON.stringify(out) }], structuredContent: out as Record<string, unknown>, isError: isToolError(out) };
      },
    );
  }
  return server;
}

/** Answers one MCP request (POST of JSON-RPC) with a fresh server and transport, closed when the answer has been sent. */
export async function handleMcpRequest(deps: Deps, viewer: Viewer, req: Request): Promise<Response> {
  const server = createMcpServer(deps, viewer);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, maxRequestBodySize: MAX_BODY_BYTES });
  await server.connect(transport);
  const res = await transport.handleRequest(req);
  const close = () => void server.close().catch(() => {});
  if (!res.body) {
    close();
    return res;
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        close();
      } else controller.enqueue(value);
    },
    cancel(reason) {
      close();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** `/api/mcp`: the API token's owner is the viewer; anything else is 401 with a Bearer challenge. */
export async function handleMcpHttp(deps: Deps, req: Request): Promise<Response> {
  try {
    const auth = req.headers.get('authorization');
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
