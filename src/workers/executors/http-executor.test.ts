import http from 'node:http';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpModelServer, type HttpModelServer } from '../../../test/fixtures/http-model-server';
import { AppError } from '../../server/errors';
import type { THttpRuntime } from '../../server/models/models.schema';
import type { ModelVersion } from '../../server/models/models.types';
import { sealRuntimeSecrets } from '../../server/secrets/runtime-secrets';
import { HttpExecutor } from './http-executor';
import { decodeInferResponse, encodeInferRequest } from './oip';

let server: HttpModelServer;
let closedUrl: string;
const executor = new HttpExecutor();

/** A URL on which nothing listens: a port that was just free. */
async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  server = await startHttpModelServer();
  closedUrl = await closedPort();
});
afterAll(() => server?.close());
afterEach(() => {
  server.requests.splice(0);
  vi.unstubAllEnvs();
});

function version(runtime: Partial<THttpRuntime>, timeoutMs = 5000): ModelVersion {
  return {
    id: 'v1',
    modelId: 'm1',
    slug: 'smiles-length',
    version: 1,
    status: 'published',
    // As stored: header values sealed.
    runtime: sealRuntimeSecrets({ kind: 'http', url: server.url, protocol: 'oip-v2', model: 'smiles-length', ...runtime }),
    inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
    outputSchema: { type: 'object' },
    resources: {},
    batchSize: 10,
    timeoutMs,
    example: null,
    digest: 'sha256:test',
    createdAt: new Date().toISOString(),
    publishedAt: null,
    smokeTest: null,
    networkAllowed: false,
    cacheEnabled: true,
  };
}

const items = ['CCO', 'c1ccccc1', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C'].map((smiles, i) => ({ index: 10 + i, input: { smiles } }));
const expected = items.map((i) => ({ length: i.input.smiles.length, heavy: (i.input.smiles.match(/[A-Z]/g) ?? []).length }));

/** The AppError `run` threw. */
async function thrown(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('HttpExecutor, oip-v2', () => {
  it('sends one infer request per task with typed tensors, with the opened credentials, and maps outputs back in order', async () => {
    const v = version({ headers: { authorization: 'Bearer t0ken' } });
    expect(JSON.stringify(v.runtime)).not.toContain('t0ken');
    const outcomes = await executor.run(v, items);
    expect(outcomes.map((o) => o.index)).toEqual([10, 11, 12]);
    expect(outcomes.map((o) => ('output' in o ? o.output : o))).toEqual(expected);
    expect(outcomes.every((o) => o.durationMs > 0)).toBe(true);
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req.path).toBe('/v2/models/smiles-length/infer');
    expect(req.headers.authorization).toBe('Bearer t0ken');
    const body = JSON.parse(req.body);
    expect(body.id).toMatch(/^smiles-length@1:10-12:/);
    expect(body.inputs).toEqual([{ name: 'smiles', shape: [3], datatype: 'BYTES', data: items.map((i) => i.input.smiles) }]);
  });

  it('maps schema types to datatypes, infers the rest, and sends vectors as [n, k]', () => {
    const schema = { properties: { a: { type: 'integer' }, b: { type: 'number' }, c: { type: ['boolean', 'null'] } } };
    const inputs = [
      { a: 1, b: 2, c: true, d: 1.5, e: 3, f: [1, 2], g: { x: 1 } },
      { a: 2, b: 3.5, c: false, d: 2, e: 4, f: [3, 4], g: { x: 2 } },
    ];
    const req = encodeInferRequest('id', inputs, schema);
    const byName = Object.fromEntries(req.inputs.map((t) => [t.name, [t.datatype, t.shape, t.data]]));
    expect(byName).toEqual({
      a: ['INT64', [2], [1, 2]],
      b: ['FP64', [2], [2, 3.5]],
      c: ['BOOL', [2], [true, false]],
      d: ['FP64', [2], [1.5, 2]],
      e: ['INT64', [2], [3, 4]],
      f: ['INT64', [2, 2], [1, 2, 3, 4]],
      g: ['BYTES', [2], ['{"x":1}', '{"x":2}']],
    });
  });

  it('takes the row of multi-dimensional outputs and refuses a wrong row count', () => {
    const body = { outputs: [{ name: 'v', shape: [2, 2, 2], datatype: 'FP64', data: [1, 2, 3, 4, 5, 6, 7, 8] }] };
    expect(decodeInferResponse(body, 2)).toEqual({ outputs: [{ v: [[1, 2], [3, 4]] }, { v: [[5, 6], [7, 8]] }] });
    expect(decodeInferResponse(body, 3)).toEqual({ problem: expect.stringMatching(/first dimension should be 3/) });
  });

  it('fails the items with the status and a hint on 400, quoting nothing of the body, without throwing or retrying', async () => {
    server.failNext('400');
    const outcomes = await executor.run(version({}), items);
    expect(outcomes).toHaveLength(3);
    for (const o of outcomes) {
      expect(o).toMatchObject({ code: 'INVALID_INPUT', error: expect.stringMatching(/refused the request with HTTP 400; check that the version's input schema matches/) });
      expect('error' in o && o.error).toContain(`${server.url}/v2/models/smiles-length/infer`);
      expect('error' in o && o.error).not.toContain('told to reject');
    }
    expect(server.requests).toHaveLength(1);
  });

  it('fails the items as MODEL_ERROR when the server does not serve the model (404)', async () => {
    const outcomes = await executor.run(version({ model: 'no-such-model' }), items);
    expect(outcomes[0]).toMatchObject({ code: 'MODEL_ERROR', error: expect.stringMatching(/HTTP 404; check runtime.url and runtime.model/) });
    expect('error' in outcomes[0] && outcomes[0].error).not.toContain('is not served here');
  });

  it('throws a transient UNAVAILABLE on 500 and on a refused connection', async () => {
    server.failNext('500');
    const e500 = await thrown(executor.run(version({ headers: { authorization: 'Bearer t0ken' } }), items));
    expect(e500).toMatchObject({ code: 'UNAVAILABLE', transient: true });
    expect(e500.message).toMatch(/answered HTTP 500; check the server's logs/);
    expect(e500.message).not.toMatch(/told to fail|t0ken/);

    const refused = await thrown(executor.run(version({ url: closedUrl }), items));
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', transient: true });
    expect(refused.message).toContain(closedUrl);
    expect(refused.message).toMatch(/connection refused/);
  });

  it('throws a final MODEL_TIMEOUT when the server hangs', async () => {
    server.failNext('hang');
    const e = await thrown(executor.run(version({}, 300), items));
    expect(e).toMatchObject({ code: 'MODEL_TIMEOUT', transient: false });
    expect(e.message).toMatch(/did not answer within 300 ms; raise the version's timeoutMs/);
  });

  it('fails every item as MODEL_PROTOCOL on a body that is not JSON, or has too few rows', async () => {
    server.failNext('garbage');
    const garbage = await executor.run(version({}), items);
    expect(garbage.map((o) => 'code' in o && o.code)).toEqual(['MODEL_PROTOCOL', 'MODEL_PROTOCOL', 'MODEL_PROTOCOL']);
    expect('error' in garbage[0] && garbage[0].error).toMatch(/answered HTTP 200 with a body that is not JSON; expected \{"outputs"/);
    expect('error' in garbage[0] && garbage[0].error).not.toContain('html');

    server.failNext('short');
    const [short] = await executor.run(version({}), items);
    expect(short).toMatchObject({ code: 'MODEL_PROTOCOL', error: expect.stringMatching(/first dimension should be 3/) });
  });
});

describe('HttpExecutor, json', () => {
  const json = () => version({ protocol: 'json', url: server.jsonUrl, model: undefined });

  it('posts {"instances"} and maps {"predictions"} back in order', async () => {
    const outcomes = await executor.run(json(), items);
    expect(outcomes.map((o) => ('output' in o ? o.output : o))).toEqual(expected);
    expect(JSON.parse(server.requests[0].body)).toEqual({ instances: items.map((i) => i.input) });
  });

  it('fails only the item whose prediction is {"error"}', async () => {
    const outcomes = await executor.run(json(), [...items, { index: 13, input: { smiles: 'FAIL' } }]);
    expect(outcomes.filter((o) => 'output' in o)).toHaveLength(3);
    expect(outcomes[3]).toEqual({ index: 13, code: 'MODEL_ERROR', error: 'smiles-length was told to fail', durationMs: expect.any(Number) });
  });

  it('treats 400, 500, garbage and a wrong count like oip-v2 does', async () => {
    server.failNext('400');
    const [refused] = await executor.run(json(), items);
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', error: expect.stringContaining('refused the request with HTTP 400') });
    expect('error' in refused && refused.error).not.toContain('told to reject');
    server.failNext('500');
    expect(await thrown(executor.run(json(), items))).toMatchObject({ transient: true });
    server.failNext('garbage');
    expect((await executor.run(json(), items))[2]).toMatchObject({ code: 'MODEL_PROTOCOL' });
    server.failNext('short');
    expect((await executor.run(json(), items))[0]).toMatchObject({
      code: 'MODEL_PROTOCOL',
      error: expect.stringMatching(/holds 2 predictions for 3 instances; expected \{"predictions"/),
    });
  });
});

describe('HttpExecutor, outbound rules', () => {
  it('does not follow a redirect, even to an allowed host, and fails the items saying so', async () => {
    const redirector = http.createServer((_req, res) => {
      res.writeHead(307, { location: `${server.url}/v2/models/smiles-length/infer` });
      res.end('moved: see the other server');
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(redirector.address() as { port: number }).port}`;
      const outcomes = await executor.run(version({ url }), items);
      expect(outcomes.map((o) => 'code' in o && o.code)).toEqual(['MODEL_ERROR', 'MODEL_ERROR', 'MODEL_ERROR']);
      expect('error' in outcomes[0] && outcomes[0].error).toMatch(/answered HTTP 307, a redirect, which the gateway does not follow/);
      expect('error' in outcomes[0] && outcomes[0].error).not.toMatch(/moved|other server/);
      expect(server.requests).toEqual([]);
    } finally {
      await new Promise<void>((r) => redirector.close(() => r()));
    }
  });

  it('fails the items as FORBIDDEN, sending nothing, when the host left GATEWAY_OUTBOUND_HOSTS', async () => {
    const v = version({ headers: { authorization: 'Bearer t0ken' } });
    vi.stubEnv('GATEWAY_OUTBOUND_HOSTS', 'models.example.com');
    const outcomes = await executor.run(v, items);
    expect(outcomes.map((o) => 'code' in o && o.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect('error' in outcomes[0] && outcomes[0].error).toMatch(/the host 127\.0\.0\.1:\d+ is not in GATEWAY_OUTBOUND_HOSTS.*; nothing was sent/);
    expect(server.requests).toEqual([]);
  });
});
