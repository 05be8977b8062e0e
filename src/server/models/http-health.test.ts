import http from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpModelServer, type HttpModelServer } from '../../../test/fixtures/http-model-server';
import { sealRuntimeSecrets } from '../secrets/runtime-secrets';
import type { Viewer } from '../users/viewer';
import { checkHttp } from './http-check.service';
import { checkHttpModel, type HttpModelCheck } from './http-health';

let server: HttpModelServer;
let closedUrl: string;
let hanging: { url: string; accepted: number; close: () => Promise<void> };
let garbage: { url: string; close: () => Promise<void> };

/** A TCP server that accepts connections and never answers. */
async function startHangingServer() {
  const sockets = new Set<Socket>();
  const s: Server = createServer((socket) => {
    state.accepted++;
    sockets.add(socket);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const state = {
    url: `http://127.0.0.1:${(s.address() as { port: number }).port}`,
    accepted: 0,
    close: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        s.close(() => r());
      }),
  };
  return state;
}

/** An HTTP server that answers 200 with HTML to everything, except a redirect under /moved. */
async function startGarbageServer() {
  const s = http.createServer((req, res) => {
    if (req.url?.startsWith('/moved')) {
      res.writeHead(302, { location: `${server.url}/` });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>internal admin console: SECRET-PAGE-CONTENT</html>');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, close: () => new Promise<void>((r) => s.close(() => r())) };
}

beforeAll(async () => {
  server = await startHttpModelServer();
  hanging = await startHangingServer();
  garbage = await startGarbageServer();
  // A port that was just free: nothing listens on it.
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  await new Promise<void>((r) => s.close(() => r()));
});
afterAll(async () => {
  await server?.close();
  await hanging?.close();
  await garbage?.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  server.requests.splice(0);
});

/** The failure message with its URL taken out, to compare failures at different servers. */
const withoutUrl = (check: HttpModelCheck, url: string) => (check.ok ? 'ok' : `${check.code}: ${check.message.replace(url, '<url>')}`);

describe('checkHttpModel', () => {
  it('returns the oip-v2 model metadata of a ready server, sending the opened credentials', async () => {
    const runtime = sealRuntimeSecrets({ kind: 'http' as const, url: `${server.url}/`, protocol: 'oip-v2' as const, model: 'smiles-length', headers: { authorization: 'Bearer h3alth' } });
    const check = await checkHttpModel(runtime, 2000);
    expect(check).toEqual({
      ok: true,
      metadata: {
        name: 'smiles-length',
        versions: ['1'],
        platform: 'node-fixture',
        inputs: [{ name: 'smiles', datatype: 'BYTES', shape: [-1] }],
        outputs: [
          { name: 'length', datatype: 'INT64', shape: [-1] },
          { name: 'heavy', datatype: 'INT64', shape: [-1, 1] },
        ],
      },
    });
    expect(server.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v2/health/ready', 'Bearer h3alth'],
      ['/v2/models/smiles-length', 'Bearer h3alth'],
    ]);
  });

  it('accepts any non-redirect HTTP answer from a json server', async () => {
    expect(await checkHttpModel({ kind: 'http', url: `${server.url}/anything`, protocol: 'json' }, 2000)).toEqual({ ok: true });
  });

  it('reports a closed port, a hanging server, a 404, an unserved model and a garbage body as the same failure, quoting nothing', async () => {
    const cases = [
      { url: closedUrl }, // connection refused
      { url: hanging.url }, // accepts, never answers
      { url: `${server.url}/nothing-here` }, // 404 with a JSON error on /v2/health/ready
      { url: server.url }, // ready, but model "m" is not served: 404 with a JSON error on its metadata
      { url: garbage.url }, // 200 with HTML for everything
    ];
    const checks = await Promise.all(cases.map((c) => checkHttpModel({ kind: 'http', url: c.url, protocol: 'oip-v2', model: 'm' }, 500)));
    const expected = 'UNAVAILABLE: the model server at <url> did not answer as an Open Inference Protocol v2 server serving "m" (check the URL, the model name, the credentials in runtime.headers, that the server is up and that its host is allowed)';
    const said = checks.map((check, i) => withoutUrl(check, cases[i].url));
    expect(said).toEqual(cases.map(() => expected));
    expect(hanging.accepted).toBeGreaterThan(0);
    for (const text of ['refused', 'ECONNREFUSED', 'within', 'no route', 'not served', 'SECRET-PAGE', 'html', '404', '200']) expect(said.join()).not.toContain(text);

    // The json protocol fails alike on a closed port, a hanging server and a redirect (not followed).
    const jsonUrls = [closedUrl, hanging.url, `${garbage.url}/moved`];
    const before = server.requests.length;
    const json = await Promise.all(jsonUrls.map((url) => checkHttpModel({ kind: 'http', url, protocol: 'json' }, 500)));
    expect(json.map((c, i) => withoutUrl(c, jsonUrls[i]))).toEqual(
      jsonUrls.map(() => 'UNAVAILABLE: the model server at <url> did not answer over HTTP (check the URL, the credentials in runtime.headers, that the server is up and that its host is allowed)'),
    );
    expect(server.requests.length).toBe(before); // the redirect's target saw nothing
  });

  it('refuses a URL outside GATEWAY_OUTBOUND_HOSTS without connecting, at the check and at the onboarding procedure', async () => {
    vi.stubEnv('GATEWAY_OUTBOUND_HOSTS', 'models.example.com');
    const runtime = { kind: 'http' as const, url: server.url, protocol: 'oip-v2' as const, model: 'smiles-length' };
    const check = await checkHttpModel(runtime, 2000);
    expect(check).toMatchObject({ ok: false, code: 'FORBIDDEN', message: expect.stringMatching(/the host 127\.0\.0\.1:\d+ is not in GATEWAY_OUTBOUND_HOSTS/) });
    const viewer: Viewer = { id: '00000000-0000-0000-0000-000000000001', email: 'm@example.test', role: 'member', teamIds: [], scopes: ['read', 'run', 'register'], auth: { kind: 'internal' } };
    await expect(checkHttp({ db: undefined as never }, viewer, { runtime, timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/runtime\.url: the host 127\.0\.0\.1:\d+ is not in GATEWAY_OUTBOUND_HOSTS/),
    });
    for (const url of ['ftp://127.0.0.1/', 'http://x@127.0.0.1/']) {
      expect(await checkHttpModel({ ...runtime, url }, 2000)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(server.requests).toEqual([]);
  });
});
