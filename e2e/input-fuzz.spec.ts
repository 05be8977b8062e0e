import { expect, test } from '@playwright/test';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { tarGz, zip } from '../test/archives';
import { registerAndSignIn, uniqueEmail } from './support';

// Hundreds of generated bad inputs over real HTTP against the running app: predict, jobs.create,
// manifest and version registration, dataset upload, depict, and tRPC's own edges. None may
// answer 5xx, every error must carry an appCode other than INTERNAL, and the gateway must be
// healthy afterwards (its chemistry included) and still predict for a user.

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

const rnd = prng(8);

/**
 * A value nested `levels` deep. JSON.stringify cannot write 10,000 levels (it recurses), so this
 * is a marker that `toJson` expands into text.
 */
function deep(levels: number, leaf: 'CCO' | 'object' = 'CCO'): unknown {
  return { __deep: levels, leaf };
}

function deepText(levels: number, leaf: string): string {
  let open = '';
  let close = '';
  for (let i = 0; i < levels; i++) {
    if (rnd.int(2)) (open += '{"smiles":"C","x":'), (close = `}${close}`);
    else (open += '['), (close = `]${close}`);
  }
  return `${open}${leaf === 'object' ? '{}' : '"CCO"'}${close}`;
}

function toJson(value: unknown): string {
  return JSON.stringify(value).replace(/\{"__deep":(\d+),"leaf":"(CCO|object)"\}/g, (_m, n: string, leaf: string) => deepText(Number(n), leaf));
}

const CONTROL = ['\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\udfff'];
const withControl = (s: string) => {
  const at = rnd.int(s.length + 1);
  return `${s.slice(0, at)}${rnd.pick(CONTROL)}${s.slice(at)}`;
};

/** Strings no field should take, from the list and around it. */
function badString(): string {
  return rnd.pick([
    () => withControl('CCO'),
    () => withControl('c1ccccc1'),
    () => 'C'.repeat(1000),
    () => 'C'.repeat(620),
    () => 'C1CC1'.repeat(400),
    () => 'c1ccccc1'.repeat(250),
    () => `CC(=O)Oc1ccccc1C(=O)O${'.C'.repeat(990)}`,
    () => 'C'.repeat(5000 + rnd.int(5000)),
    () => 'C1C1'.repeat(101 + rnd.int(50)),
    () => '('.repeat(rnd.int(500) + 1),
    () => 'C1CC(',
    () => '[Xx]',
    () => '%(9999999999)',
    () => 'x'.repeat(1 + rnd.int(60)),
    () => '',
    () => ' ',
    () => '\u0000',
    () => 'x'.repeat(1_000_000),
  ])();
}

function badValue(): unknown {
  return rnd.pick([badString, () => rnd.int(1e9), () => null, () => true, () => [badString()], () => ({ smiles: badString() }), () => deep(10_000), () => deep(40)])();
}

const MANIFEST = () => ({
  slug: `fuzz-${rnd.int(1e9).toString(36)}`,
  name: 'Fuzz model',
  version: 1,
  task: 'test/fuzz',
  description: 'generated',
  tags: ['fuzz'],
  runtime: { kind: 'http', url: 'http://127.0.0.1:9/', protocol: 'json' },
  inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
  outputSchema: { type: 'object', properties: { logS: { type: 'number' } }, required: ['logS'] },
  timeoutMs: 1000,
  example: { smiles: 'CCO' },
});

const BAD_SCHEMAS: unknown[] = [
  { type: 'object', properties: { smiles: { type: 'strin' } } },
  { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } },
  { $ref: 'http://example.invalid/schema.json' },
  { type: 'object', properties: { a: { type: 'string', pattern: '(' } } },
  { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' } } },
  { $ref: '#' },
  { definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' },
  { type: 'object', anyOf: [{ $ref: '#' }] },
  { logS: 'number' },
  { type: 'object', properties: { logS: 'number' } },
  { type: 'array' },
  { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' },
  deep(10_000, 'object'),
  'not an object',
  [],
];

function badManifest(): Record<string, unknown> {
  const m: Record<string, unknown> = MANIFEST();
  const mutate = rnd.pick<() => void>([
    () => (m[rnd.pick(['inputSchema', 'outputSchema'])] = rnd.pick(BAD_SCHEMAS)),
    () => (m.timeoutMs = rnd.pick([24 * 24 * 3600_000, 2 ** 31, 2 ** 53, -1, 0, 1.5, 'soon', 1e308])),
    () => (m.tags = Array.from({ length: 10_000 }, (_, i) => `tag${i}`)),
    () => (m.tags = [withControl('tag')]),
    () => (m.name = 'x'.repeat(1_000_000)),
    () => (m.name = withControl('Fuzz')),
    () => (m.description = withControl('d'.repeat(100))),
    () => (m.description = 'd'.repeat(5000)),
    () => (m.slug = rnd.pick(['new', 'NEW', 'RDKit-Descriptors', 'ESOL-Solubility', 'a', '-x', 'x'.repeat(64), withControl('slug'), 'slug@2147483648'])),
    () => (m.version = rnd.pick([2 ** 31, 0, -3, 1.5, '1'])),
    () => (m.batchSize = rnd.pick([0, 10_001, 1e12, -1, 'many'])),
    () => (m.runtime = rnd.pick([{ kind: 'nope' }, { kind: 'http', url: 'not a url', protocol: 'json' }, { kind: 'http', url: `http://x/${withControl('a')}`, protocol: 'json' }, null, 'http'])),
    () => (m.example = deep(10_000, 'object')),
    () => (m.example = { smiles: withControl('CCO') }),
    () => (m.resources = { cpu: -1, memoryMb: 2 ** 60 }),
    () => delete m.runtime,
    () => (m[withControl('key')] = 1),
  ]);
  mutate();
  if (rnd.int(3) === 0) mutate();
  return m;
}

function badRuntime(): unknown {
  return rnd.pick([
    () => ({ kind: 'process', command: [] }),
    () => ({ kind: 'process', command: Array.from({ length: 10_000 }, () => 'a') }),
    () => ({ kind: 'process', command: [withControl('python3')] }),
    () => ({ kind: 'process', command: ['true'], env: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`V${i}`, 'x'])) }),
    () => ({ kind: 'process', command: ['true'], env: { 'BAD NAME': 'x' } }),
    () => ({ kind: 'process', command: ['true'], env: { OK: withControl('value') } }),
    () => ({ kind: 'process', command: ['true'], cwd: 'x'.repeat(5000) }),
    () => ({ kind: 'http', url: 'ftp://', protocol: 'oip-v2' }),
    () => ({ kind: 'http', url: 'http://127.0.0.1:9/', protocol: 'oip-v2' }),
    () => ({ kind: 'http', url: 'http://127.0.0.1:9/', protocol: 'json', headers: { [withControl('h')]: 'v' } }),
    () => ({ kind: 'kubernetes', image: '' }),
    () => ({ kind: 'consensus', members: [], strategy: 'mean', quorum: 1 }),
    () => ({ kind: 'consensus', members: [{ ref: 'rdkit-descriptors@2147483648', field: 'logP' }, { ref: 'x', field: 'y' }], strategy: 'mean', quorum: 1 }),
    () => ({ kind: 'consensus', members: [{ ref: 'rdkit-descriptors', field: 'logP' }, { ref: 'ocl-properties', field: 'logP' }], strategy: 'mean', quorum: 1, params: deep(10_000, 'object') }),
  ])();
}

function badCsv(): string {
  return rnd.pick([
    () => 'smiles,logS\nCCO,high\nCCC,-1',
    () => 'smiles,logS\nC1CC(,-1\nCCO,0.5',
    () => `smiles,logS\n${'C'.repeat(620)},-1\nCCO,1`,
    () => `smiles,logS\n${withControl('CCO')},1\nCCC,2`,
    () => `smi${'\u0000'}les,logS\nCCO,1`,
    () => 'name,value\nethanol,1',
    () => 'smiles\nCCO',
    () => 'smiles,logS',
    () => `smiles,logS\n${Array.from({ length: 500 }, (_, i) => (i % 2 ? `CCO,${i}` : `C1C(,x${i}`)).join('\n')}`,
    () => `smiles,logS\n${'"'.repeat(1000)}`,
  ])();
}

interface FuzzCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const trpc = (proc: string, input: unknown): FuzzCase => ({
  name: proc,
  method: 'POST',
  path: `/api/trpc/${proc}`,
  headers: { 'content-type': 'application/json' },
  body: toJson(input),
});

/**
 * Posts a body of `mb` MB in chunks with no Content-Length (node:http, since fetch hides an answer
 * that arrives while the body is still being sent). Stops sending once the answer is there.
 */
function postChunked(url: string, token: string, mb: number): Promise<{ status: number; text: string; sentMb: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1024 * 1024, ' ');
    let sentMb = 0;
    let answered = false;
    let status = 0;
    let text = '';
    const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      answered = true;
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status, text, sentMb }));
    });
    // The server cuts the connection once it has answered and dropped the rest for a moment.
    req.on('error', (e) => (answered ? resolve({ status, text, sentMb }) : reject(e)));
    req.write('{"model":"rdkit-descriptors","inputs":[{"smiles":"C"}],"label":"');
    const pump = () => {
      while (!answered && sentMb < mb) {
        sentMb++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end('"}');
    };
    pump();
  });
}

/** Bundle registration: hostile and broken archives posted to /api/bundles as a raw body. */
async function bundleCases(): Promise<FuzzCase[]> {
  const upload = (name: string, body: Buffer | string, headers: Record<string, string> = { 'content-type': 'application/octet-stream' }): FuzzCase => ({
    name: `bundle: ${name}`,
    method: 'POST',
    path: '/api/bundles',
    headers,
    body,
  });
  const hostile: [string, Parameters<typeof tarGz>[0]][] = [
    ['path traversal', [{ name: '../../outside.txt', content: 'x' }]],
    ['deep traversal', [{ name: 'a/b/../../../x', content: 'x' }]],
    ['absolute path', [{ name: '/etc/cron.d/x', content: 'x' }]],
    ['symlink out', [{ name: 'link', type: 'symlink', target: '../../etc/passwd' }]],
    ['absolute symlink', [{ name: 'link', type: 'symlink', target: '/etc/shadow' }]],
    ['entry below a symlink', [{ name: 'd', type: 'symlink', target: '.' }, { name: 'd/x', content: 'x' }]],
    ['hard link', [{ name: 'a', content: 'x' }, { name: 'b', type: 'link', target: 'a' }]],
    ['character device', [{ name: 'null', type: 'character-device' }]],
    ['block device', [{ name: 'sda', type: 'block-device' }]],
    ['fifo', [{ name: 'pipe', type: 'fifo' }]],
    ['NUL in a name', [{ name: 'a\u0000b', content: 'x' }]],
    ['duplicate entries', [{ name: 'x', content: '1' }, { name: 'x', content: '2' }]],
    ['no files', [{ name: 'empty', type: 'directory' }]],
    ['a broken model.json', [{ name: 'model.json', content: '{"slug":' }]],
    ['a hostile model.json', [{ name: 'model.json', content: JSON.stringify({ slug: 'x\u0000', runtime: { kind: 'process', command: ['sh'] } }) }]],
  ];
  const cases: FuzzCase[] = [];
  for (const [name, entries] of hostile) cases.push(upload(`tar.gz ${name}`, await tarGz(entries)));
  for (const [name, entries] of hostile.filter(([, e]) => e.every((x) => x.type !== 'link' && x.type !== 'block-device'))) {
    cases.push(upload(`zip ${name}`, zip(entries as Parameters<typeof zip>[0])));
  }
  cases.push(upload('zip socket', zip([{ name: 'sock', type: 'socket' }])));
  // A gzip bomb: a few hundred KB that unpack past the unpacked-size limit.
  cases.push(upload('gzip bomb', gzipSync(Buffer.concat([Buffer.alloc(512), Buffer.alloc(400 * 1024 * 1024)]), { level: 9 })));
  cases.push(upload('not an archive', 'just some text'));
  cases.push(upload('empty body', ''));
  cases.push(upload('truncated gzip', (await tarGz([{ name: 'main.py', content: 'print(1)\n'.repeat(1000) }])).subarray(0, 60)));
  for (let i = 0; i < 6; i++) cases.push(upload(`random bytes ${i}`, Buffer.from(Array.from({ length: 1 + rnd.int(4096) }, () => rnd.int(256)))));
  cases.push(upload('a JSON body', JSON.stringify({ bundle: 'x' }), { 'content-type': 'application/json' }));
  cases.push({ name: 'bundle: GET', method: 'GET', path: '/api/bundles' });
  return cases;
}

function generateCases(): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const refs = ['rdkit-descriptors@2147483648', 'rdkit-descriptors@99999999999999999999', withControl('rdkit-descriptors'), 'x', 'no-such-model', 'rdkit-descriptors@', '@1', 'a'.repeat(300)];
  for (let i = 0; i < 70; i++) {
    const input = rnd.pick([() => ({ smiles: badString() }), () => ({ smiles: badValue() }), () => deep(10_000), () => ({ smiles: 'CCO', extra: badValue() }), () => badValue()])();
    cases.push(trpc('models.predict', { model: i % 7 === 0 ? rnd.pick(refs) : 'rdkit-descriptors', input }));
  }
  for (let i = 0; i < 50; i++) {
    const inputs = rnd.pick([
      () => Array.from({ length: 1 + rnd.int(5) }, () => ({ smiles: badString() })),
      () => [deep(10_000), { smiles: 'CCO' }],
      () => Array.from({ length: 3 }, () => badValue()),
      () => [],
      () => 'CCO',
      () => Array.from({ length: 100_001 }, () => ({ smiles: 'C' })),
    ])();
    const label = rnd.pick([undefined, withControl('label'), 'l'.repeat(201), 42]);
    cases.push(trpc('jobs.create', { model: i % 9 === 0 ? rnd.pick(refs) : 'rdkit-descriptors', inputs, label }));
  }
  for (let i = 0; i < 70; i++) cases.push(trpc('models.registerManifest', { manifest: badManifest(), publish: rnd.int(2) === 0 }));
  for (let i = 0; i < 40; i++) {
    const spec = { ...MANIFEST(), runtime: badRuntime() } as Record<string, unknown>;
    if (rnd.int(3) === 0) spec.inputSchema = rnd.pick(BAD_SCHEMAS);
    if (rnd.int(4) === 0) spec.timeoutMs = rnd.pick([2 ** 31, 24 * 24 * 3600_000]);
    cases.push(trpc('versions.createDraft', { slug: rnd.pick(['rdkit-descriptors', 'no-such-model', 'RDKit-Descriptors', withControl('x')]), spec }));
  }
  for (let i = 0; i < 25; i++) {
    cases.push(trpc('models.create', { slug: rnd.pick(['RDKit-Descriptors', 'OCL-Properties', 'new', 'New', withControl('slug')]), name: rnd.pick(['n', 'x'.repeat(1_000_000), withControl('n')]), task: 't', tags: rnd.int(2) ? Array.from({ length: 10_000 }, (_, k) => `t${k}`) : [] }));
  }
  for (let i = 0; i < 30; i++) {
    cases.push(trpc('datasets.upload', { name: rnd.int(5) ? `fuzz ${i}` : withControl('name'), csv: badCsv(), ...(rnd.int(4) === 0 ? { valueColumn: withControl('logS') } : {}) }));
  }
  for (let i = 0; i < 10; i++) {
    const search = rnd.pick([withControl('aspirin'), 'x'.repeat(10_000), 42]);
    cases.push({ name: 'models.list (query)', method: 'GET', path: `/api/trpc/models.list?input=${encodeURIComponent(JSON.stringify({ search }))}` });
  }
  for (let i = 0; i < 20; i++) {
    cases.push({ name: 'depict', method: 'GET', path: `/api/depict?smiles=${encodeURIComponent(badString().slice(0, 6000).replace(/[\ud800-\udfff]/g, '\u0001'))}&w=${rnd.pick(['x', '-1', '1e9', '250'])}` });
  }
  // tRPC's own edges.
  for (const body of ['{"model":', '{', 'null', '[]', '"x"', '{"0":', 'not json', '\u0000', '{"model":"rdkit-descriptors","inputs":[{"smiles":"C"}]}garbage']) {
    cases.push({ name: 'malformed JSON', method: 'POST', path: '/api/trpc/jobs.create', headers: { 'content-type': 'application/json' }, body });
  }
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png']) {
    cases.push({ name: 'wrong content type', method: 'POST', path: '/api/trpc/jobs.create', headers: { 'content-type': type }, body: 'model=x' });
  }
  for (const method of ['PUT', 'PATCH', 'DELETE']) cases.push({ name: `wrong method ${method}`, method, path: '/api/trpc/jobs.create', headers: { 'content-type': 'application/json' }, body: '{}' });
  cases.push({ name: 'a mutation as a query', method: 'GET', path: `/api/trpc/jobs.create?input=${encodeURIComponent('{}')}` });
  cases.push({ name: 'a query as a mutation', method: 'POST', path: '/api/trpc/models.list', headers: { 'content-type': 'application/json' }, body: '{}' });
  for (const proc of ['nope', 'models.nope', 'models.list.x', 'jobs', '__proto__', 'constructor.prototype']) {
    cases.push({ name: 'unknown procedure', method: 'POST', path: `/api/trpc/${proc}`, headers: { 'content-type': 'application/json' }, body: '{}' });
  }
  cases.push({ name: 'a batch of 200', method: 'GET', path: `/api/trpc/${Array.from({ length: 200 }, () => 'models.tags').join(',')}?batch=1&input=%7B%7D` });
  cases.push({
    name: 'a batch of 200 predictions',
    method: 'POST',
    path: `/api/trpc/${Array.from({ length: 200 }, () => 'models.predict').join(',')}?batch=1`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [String(i), { model: 'rdkit-descriptors', input: { smiles: 'C' } }]))),
  });
  cases.push({ name: 'a malformed batch input', method: 'GET', path: '/api/trpc/models.tags,models.tasks?batch=1&input=%7Bnot' });
  return cases;
}

/** The appCodes in a response body: tRPC's (one or a batch), or a plain route's `{ error: { appCode } }`. */
function appCodes(json: unknown): (string | undefined)[] {
  const items = Array.isArray(json) ? json : [json];
  return items
    .filter((x): x is { error: { data?: { appCode?: string }; appCode?: string } } => !!x && typeof x === 'object' && 'error' in x)
    .map((x) => x.error.data?.appCode ?? x.error.appCode);
}

test('300+ generated bad inputs: no 5xx, no INTERNAL, and a healthy gateway afterwards', async ({ page, baseURL }) => {
  test.setTimeout(600_000);
  await registerAndSignIn(page, uniqueEmail('fuzz'));
  const created = await page.request.post('/api/trpc/tokens.create', { data: { name: 'fuzz' } });
  expect(created.ok()).toBe(true);
  const token: string = (await created.json()).result.data.token;

  const cases = [...generateCases(), ...(await bundleCases())];
  expect(cases.length).toBeGreaterThanOrEqual(300);

  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (const c of cases) {
    const res = await fetch(`${baseURL}${c.path}`, {
      method: c.method,
      headers: { authorization: `Bearer ${token}`, ...c.headers },
      body: c.body,
      signal: AbortSignal.timeout(120_000),
    } as RequestInit).catch((e: Error) => e);
    if (res instanceof Error) {
      failures.push(`${c.name}: no answer (${res.message})`);
      continue;
    }
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const codes = appCodes(json);
    const what = `${c.name} ${c.method} ${c.path.slice(0, 60)} → ${res.status} ${text.slice(0, 200)}`;
    if (res.status >= 500) failures.push(what);
    else if (res.status >= 400 && codes.length === 0) failures.push(`no appCode: ${what}`);
    else if (codes.some((code) => !code || code === 'INTERNAL')) failures.push(`appCode ${codes.join(',')}: ${what}`);
  }
  // Bodies over the 20 MB limit with no Content-Length: refused while they stream.
  for (const mb of [21, 64]) {
    const r = await postChunked(`${baseURL}/api/trpc/jobs.create`, token, mb);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const code = appCodes(JSON.parse(r.text))[0];
    if (r.status !== 413 || code !== 'PAYLOAD_TOO_LARGE') failures.push(`chunked ${mb} MB → ${r.status} ${r.text.slice(0, 200)}`);
    // The answer came before the whole body was sent (a few MB of slack for socket buffers).
    if (mb === 64 && r.sentMb >= 64) failures.push(`chunked 64 MB: the server read all of it before answering`);
  }
  console.log(`fuzz: ${cases.length + 2} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  expect(failures, failures.join('\n')).toEqual([]);

  const health = await (await fetch(`${baseURL}/api/healthz`)).json();
  expect(health).toMatchObject({ ok: true, database: { ok: true }, chemistry: { ok: true } });
  const predicted = await fetch(`${baseURL}/api/trpc/models.predict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'rdkit-descriptors', input: { smiles: 'OC(=O)c1ccccc1OC(C)=O' } }),
  });
  expect(predicted.status).toBe(200);
  expect((await predicted.json()).result.data.output.tpsa).toBeCloseTo(63.6, 1);
});
