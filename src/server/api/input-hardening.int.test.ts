import { TRPCError } from '@trpc/server';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { POST as trpcPost, GET as trpcGet } from '@/app/api/trpc/[trpc]/route';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { stopChemPool } from '../chem/chem-pool';
import type { Db } from '../db/client';
import type { JobWatcher } from '../jobs/job-watcher';
import { publishTrustedManifest } from '../models/builtins.service';
import type { TModelManifest } from '../models/models.schema';
import { createApiToken } from '../users/users.service';
import type { Viewer } from '../users/viewer';
import { MAX_BODY_BYTES } from './request-limits';
import { createCaller } from './root';
import { describeZodError } from './trpc';

// Inputs that answered 500, or were accepted although wrong: each is now a typed 4xx that names
// the field and the limit. The second half sends raw HTTP requests through the real tRPC route.

let gw: TestGateway;
let alice: Viewer;
let token: string;

beforeAll(async () => {
  gw = await startTestGateway();
  alice = await createUser(gw.db, 'alice');
  token = (await createApiToken(gw.deps, alice, { name: 'edges' })).token;
  // The route handler builds its own handles from the environment, as in the web process.
  process.env.DATABASE_URL = gw.t.url;
  process.env.NEXTAUTH_SECRET ??= 'test-secret';
});

afterAll(async () => {
  const g = globalThis as unknown as { __gatewayDeps?: { db: Db; watcher: JobWatcher; boss?: Promise<{ stop: (o: object) => Promise<void> }> } };
  const shared = g.__gatewayDeps;
  g.__gatewayDeps = undefined;
  if (shared) {
    await (await shared.boss?.catch(() => undefined))?.stop({ graceful: false, close: true });
    await shared.watcher.close();
    await shared.db.destroy();
  }
  await stopChemPool();
  await gw?.stop();
});

const caller = () => createCaller({ ...gw.deps, viewer: alice });

async function refusal(p: Promise<unknown>): Promise<{ code: string; appCode?: string; message: string }> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${e === null ? 'success' : String(e)}`);
  // In-process callers get zod's own error; the HTTP formatter words it like this.
  if (e.cause instanceof ZodError) return { code: e.code, appCode: 'INVALID_INPUT', message: describeZodError(e.cause) };
  return { code: e.code, appCode: (e.cause as { code?: string } | undefined)?.code, message: e.message };
}

function deep(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = { smiles: 'CCO' };
  for (let i = 0; i < levels; i++) v = { smiles: 'CCO', nested: v };
  return v;
}

const manifest = (over: Record<string, unknown> = {}) => ({
  slug: `hardening-${Math.random().toString(36).slice(2, 8)}`,
  name: 'Hardening',
  version: 1,
  task: 'test/echo',
  runtime: { kind: 'http', url: 'http://127.0.0.1:9/', protocol: 'json' },
  inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
  outputSchema: { type: 'object', properties: { logS: { type: 'number' } } },
  ...over,
});

describe('typed refusals instead of 500s', () => {
  it('a version number past int32 in a model reference', async () => {
    for (const p of [
      caller().models.predict({ model: 'rdkit-descriptors@2147483648', input: { smiles: 'C' } }),
      caller().jobs.create({ model: 'rdkit-descriptors@2147483648', inputs: [{ smiles: 'C' }] }),
    ]) {
      expect(await refusal(p)).toMatchObject({ code: 'BAD_REQUEST', appCode: 'INVALID_INPUT', message: expect.stringMatching(/is not a model reference/) });
    }
  });

  it('NUL bytes and control characters in a search, a label, a name or a SMILES', async () => {
    expect(await refusal(caller().models.list({ search: 'aspirin\u0000' }))).toMatchObject({ appCode: 'INVALID_INPUT', message: 'search: contains a NUL byte (U+0000); remove it' });
    expect(await refusal(caller().jobs.create({ model: 'rdkit-descriptors', inputs: [{ smiles: 'C' }], label: 'a\u0000b' }))).toMatchObject({ message: 'label: contains a NUL byte (U+0000); remove it' });
    expect(await refusal(caller().tokens.create({ name: 'ci\u001b[31m' }))).toMatchObject({ message: /^name: contains the control character U\+001B/ });
    expect(await refusal(caller().models.predict({ model: 'rdkit-descriptors', input: { smiles: 'CC\u0000O' } }))).toMatchObject({
      appCode: 'INVALID_INPUT',
      message: 'field "smiles" contains a NUL byte (U+0000); remove it',
    });
    expect(await refusal(caller().models.predict({ model: 'rdkit-descriptors', input: { smiles: 'C\ud800' } }))).toMatchObject({ message: /unpaired UTF-16 surrogate/ });
    // In a job the item is refused (stored without the NUL byte), the others run.
    const job = await caller().jobs.create({ model: 'rdkit-descriptors', inputs: [{ smiles: 'CC\u0000O' }, { smiles: 'CCO' }] });
    expect(job).toMatchObject({ itemsTotal: 2, itemsFailed: 1 });
    const [failed] = (await caller().jobs.results({ jobId: job.id, status: 'failed' })).items;
    expect(failed).toMatchObject({ index: 0, errorCode: 'INVALID_INPUT', error: 'item 0: field "smiles" contains a NUL byte (U+0000); remove it' });
    expect(failed.submitted).toEqual({ smiles: 'CC\ufffdO' });
  });

  it('a 10,000-deep nested input', async () => {
    expect(await refusal(caller().models.predict({ model: 'rdkit-descriptors', input: deep(10_000) }))).toMatchObject({
      appCode: 'INVALID_INPUT',
      message: expect.stringMatching(/is nested deeper than 32 levels \(GATEWAY_MAX_JSON_DEPTH\)$/),
    });
    const job = await caller().jobs.create({ model: 'rdkit-descriptors', inputs: [deep(10_000), { smiles: 'CCO' }] });
    expect(job).toMatchObject({ itemsTotal: 2, itemsFailed: 1 });
    expect(await refusal(caller().models.inferSchemas({ input: deep(10_000), output: {} }))).toMatchObject({ appCode: 'INVALID_INPUT' });
  });

  it('manifests with invalid JSON Schemas, name the schema and why', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ inputSchema: { type: 'object', properties: { smiles: { type: 'strin' } } } }, /manifest\.inputSchema: inputSchema cannot be compiled: it does not follow JSON Schema/],
      [{ inputSchema: { type: 'object', properties: { a: { $ref: '#/definitions/a' } } } }, /\$ref "#\/definitions\/a" does not resolve/],
      [{ inputSchema: { type: 'object', properties: { smiles: { type: 'string', pattern: '[' } } } }, /is not a valid regular expression/],
      [{ inputSchema: { $ref: '#' } }, /manifest\.inputSchema: inputSchema is recursive without end/],
      [{ outputSchema: { logS: 'number' } }, /manifest\.outputSchema: outputSchema cannot be compiled: "logS" is not a JSON Schema keyword/],
      [{ timeoutMs: 24 * 24 * 3600 * 1000 }, /manifest\.timeoutMs: 2073600000 ms is longer than the limit of 600000 ms \(GATEWAY_MAX_TIMEOUT_MS\)/],
      [{ name: 'x'.repeat(1_000_000) }, /manifest\.name: at most 120 characters/],
      [{ tags: Array.from({ length: 10_000 }, (_, i) => `t${i}`) }, /manifest\.tags: at most 20 tags/],
      [{ slug: 'new' }, /manifest\.slug: this slug is reserved/],
    ];
    for (const [over, message] of cases) {
      expect(await refusal(caller().models.registerManifest({ manifest: manifest(over) as never })), JSON.stringify(over).slice(0, 80)).toMatchObject({
        code: 'BAD_REQUEST',
        appCode: 'INVALID_INPUT',
        message: expect.stringMatching(message),
      });
    }
    const draft = { slug: 'rdkit-descriptors', spec: { ...manifest(), timeoutMs: 2 ** 31 } } as never;
    expect(await refusal(caller().versions.createDraft(draft))).toMatchObject({ appCode: 'INVALID_INPUT', message: /spec\.timeoutMs: 2147483648 ms is longer/ });
  });

  it('a case twin of an existing slug is a CONFLICT', async () => {
    expect(await refusal(caller().models.create({ slug: 'RDKit-Descriptors', name: 'Twin', task: 'property/descriptors' }))).toMatchObject({
      code: 'CONFLICT',
      appCode: 'CONFLICT',
      message: /the slug "RDKit-Descriptors" is taken/,
    });
    expect(await refusal(caller().models.registerManifest({ manifest: manifest({ slug: 'ESOL-solubility' }) as never }))).toMatchObject({ appCode: 'CONFLICT' });
  });

  it('a version registered before these checks, with a schema that recurses forever, refuses inputs instead of crashing', async () => {
    const bad = { ...manifest({ slug: 'legacy-recursive' }), inputSchema: { $ref: '#' }, resources: {}, batchSize: 10, timeoutMs: 1000, description: '', tags: [], requires: [] };
    await publishTrustedManifest(gw.deps, { manifest: bad as unknown as TModelManifest, builtIn: false });
    expect(await refusal(caller().models.predict({ model: 'legacy-recursive', input: { smiles: 'C' } }))).toMatchObject({
      appCode: 'INVALID_INPUT',
      message: /the model's input schema cannot be applied to it \(Maximum call stack size exceeded\)/,
    });
  });

  it('dataset uploads: a NUL byte in the name, and unusable lines listed by number', async () => {
    expect(await refusal(caller().datasets.upload({ name: 'x\u0000', csv: 'smiles,logS\nCCO,1' }))).toMatchObject({ message: 'name: contains a NUL byte (U+0000); remove it' });
    expect(await refusal(caller().datasets.upload({ name: 'bad', csv: 'smiles,logS\nCCO,1\nC1CC(,2\nCCC,abc' }))).toMatchObject({
      appCode: 'INVALID_INPUT',
      message: /^2 lines of the CSV cannot be used: line 3: the SMILES "C1CC\(" is not valid \(RDKit cannot parse it\); line 4: logS "abc" is not a number\./,
    });
    const kept = await caller().datasets.upload({ name: 'kept', csv: 'smiles,logS\nCCO,1\nC1CC(,2\nCCC,abc', dropInvalidRows: true });
    expect(kept).toMatchObject({ rowCount: 1, dropped: { count: 2, lines: [{ line: 3 }, { line: 4 }] } });
  });
});

/** A request through the real tRPC route handler, as the web process receives it. */
async function http(pathAndQuery: string, init: RequestInit & { duplex?: 'half' } = {}) {
  const req = new NextRequest(`http://gateway.test/api/trpc/${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.headers as object) },
  } as ConstructorParameters<typeof NextRequest>[1]);
  const res = await (init.method === 'GET' || !init.method ? trpcGet : trpcPost)(req);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const first = (Array.isArray(json) ? json[0] : json) as { error?: { message: string; data?: { appCode?: string } } } | undefined;
  return { status: res.status, appCode: first?.error?.data?.appCode, message: first?.error?.message ?? text, json };
}

describe('the tRPC edges, over the route handler', () => {
  it('counts a chunked body while it streams and stops reading at the limit: 413 PAYLOAD_TOO_LARGE', async () => {
    let sent = 0;
    let cancelled = false;
    const chunk = new TextEncoder().encode(`${' '.repeat(1024 * 1024 - 1)}\n`);
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
      start(c) {
        c.enqueue(new TextEncoder().encode('{"model":"rdkit-descriptors","inputs":[{"smiles":"C"}],"label":"'));
      },
      async pull(c) {
        // An endless body, arriving as from a socket: a server that buffered it all would never answer.
        await new Promise((r) => setImmediate(r));
        sent += chunk.byteLength;
        c.enqueue(chunk);
      },
    });
    const req = new NextRequest('http://gateway.test/api/trpc/jobs.create', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    } as ConstructorParameters<typeof NextRequest>[1]);
    const res = await trpcPost(req);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { message: expect.stringMatching(/the limit is 20971520 bytes/), data: { appCode: 'PAYLOAD_TOO_LARGE' } } });
    // After answering, the server drops what still arrives for a moment (so the 413 reaches the
    // client) and then stops reading: an endless body is cancelled, never buffered whole.
    await vi.waitFor(() => expect(cancelled).toBe(true), { timeout: 30_000, interval: 50 });
    const sentWhenCancelled = sent;
    await new Promise((r) => setImmediate(r));
    expect(sent).toBe(sentWhenCancelled);
    expect(sent).toBeGreaterThan(MAX_BODY_BYTES);
  });

  it('refuses a batch of 200 calls with 400 INVALID_INPUT', async () => {
    const paths = Array.from({ length: 200 }, () => 'models.tags').join(',');
    const r = await http(`${paths}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`, { method: 'GET' });
    expect(r.status).toBe(400);
    expect(r.appCode).toBe('INVALID_INPUT');
  });

  it('a job past the 100,000-input limit, one at it, and a 100,000-deep input: typed answers, each call audited, the stack never reached', async () => {
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
    try {
      const items = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ smiles: 'C' })));
      const past = await http('jobs.create', { method: 'POST', body: `{"model":"rdkit-descriptors","inputs":${items(100_001)}}` });
      expect(past).toMatchObject({ status: 400, appCode: 'INVALID_INPUT', message: 'inputs: a job takes at most 100000 inputs; split larger screens into several jobs' });
      // Its audit entry keeps the 100,001 inputs as a count and a hash (canonical JSON of them all).
      const entry = await gw.db.selectFrom('audit_log').select(['input', 'error_code']).where('action', '=', 'jobs.create').where('outcome', '=', 'error').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ error_code: 'INVALID_INPUT', input: { inputs: { $items: 100_001, sha256: expect.any(String) } } });

      // At the limit, with an idempotency key (whose request hash covers every input): a job, not a refusal.
      const at = await http('jobs.create', { method: 'POST', body: `{"model":"rdkit-descriptors","inputs":${items(100_000)},"idempotencyKey":"full-job"}` });
      expect(at.status).toBe(200);
      expect(at.json).toMatchObject({ result: { data: { itemsTotal: 100_000 } } });

      const deepText = `${'{"x":['.repeat(50_000)}{"smiles":"CCO"}${']}'.repeat(50_000)}`;
      const predicted = await http('models.predict', { method: 'POST', body: `{"model":"rdkit-descriptors","input":${deepText}}` });
      expect(predicted).toMatchObject({ status: 400, appCode: 'INVALID_INPUT', message: expect.stringMatching(/^field "x\[0\]\.x\[0\]\..*" is nested deeper than 32 levels \(GATEWAY_MAX_JSON_DEPTH\)$/) });
      // In a job the deep item fails alone, with the same reason.
      const job = await http('jobs.create', { method: 'POST', body: `{"model":"rdkit-descriptors","inputs":[${deepText},{"smiles":"CCO"}]}` });
      expect(job.json).toMatchObject({ result: { data: { itemsTotal: 2, itemsFailed: 1 } } });

      // The next request is served as usual.
      expect(await http('models.predict', { method: 'POST', body: '{"model":"rdkit-descriptors","input":{"smiles":"CCO"}}' })).toMatchObject({ status: 200 });
    } finally {
      spy.mockRestore();
    }
    expect(logged.filter((l) => /could not record|unchecked|RangeError/.test(l))).toEqual([]);
  });

  it.each([
    ['malformed JSON', 'jobs.create', { method: 'POST', body: '{"model":' }, 400, 'INVALID_INPUT'],
    ['a wrong content type', 'jobs.create', { method: 'POST', body: 'model=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'INVALID_INPUT'],
    ['a query sent as a mutation', 'models.list', { method: 'POST', body: '{}' }, 405, 'INVALID_INPUT'],
    ['a mutation sent as a query', `jobs.create?input=${encodeURIComponent('{}')}`, { method: 'GET' }, 405, 'INVALID_INPUT'],
    ['an unknown procedure', 'nope.nothing', { method: 'POST', body: '{}' }, 404, 'NOT_FOUND'],
    ['a NUL byte in a query input', `models.list?input=${encodeURIComponent(JSON.stringify({ search: 'a\u0000' }))}`, { method: 'GET' }, 400, 'INVALID_INPUT'],
  ] as const)('answers %s with its status and a typed code', async (_name, path, init, status, appCode) => {
    const r = await http(path, init as RequestInit);
    expect(r.status).toBe(status);
    expect(r.appCode).toBe(appCode);
  });
});
