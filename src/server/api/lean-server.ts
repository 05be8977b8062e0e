import http from 'node:http';
import { Readable } from 'node:stream';
import { handleTrpcRequest } from './trpc-handler';

/**
 * The API without the web app: `/api/trpc/*` answered by the same routers, procedures, middleware
 * (rate limits, audit, masking) and context as through Next, on a plain Node HTTP server. It serves
 * scripts and the SDK, so it takes API tokens only: a request without `Authorization: Bearer …`
 * is refused (the web app's own port serves browser sessions and everything else).
 * `scripts/start.ts` starts it on GATEWAY_API_PORT when that is set.
 */
export function createLeanApiServer(): http.Server {
  return http.createServer((req, res) => {
    void answer(req, res).catch((e) => {
      console.error('[api] request failed:', e);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'the request failed; see the server log' } }));
    });
  });
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  if (url.pathname === '/api/healthz') return json(res, 200, { ok: true });
  if (!url.pathname.startsWith('/api/trpc/')) {
    return json(res, 404, { error: { code: 'NOT_FOUND', message: `this port serves /api/trpc for API tokens only; ${url.pathname} is on the web app's port` } });
  }
  if (!/^bearer\s+\S+/i.test(req.headers.authorization ?? '')) {
    res.setHeader('www-authenticate', 'Bearer realm="model-gateway"');
    return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'send an API token as "Authorization: Bearer mgw_…"; browser sessions use the web app\'s port' } });
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(url, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
  const response = await handleTrpcRequest(request);
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  res.writeHead(response.status, out);
  if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  res.end();
}
