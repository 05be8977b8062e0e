import { createHash } from 'node:crypto';
import path from 'node:path';
import { withFolderBundle } from '../bundles/model-folder';
import { ZModelManifest } from '../models/models.schema';
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpModelServer, type HttpModelServer } from '../../../test/fixtures/http-model-server';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import { findVersion } from '../models/models.repository';
import type { Viewer } from '../users/viewer';
import { SECRET_MASK } from '../../shared/secrets';
import { openSecrets } from './runtime-secrets';
import { sealStoredSecrets } from './seal-stored-secrets.service';
import { isSealed } from './seal';

// Distinct strings the database, the answers and the logs must never hold.
const HTTP_TOKEN = 'Bearer int-http-token-7f3a9c';
const ENV_SECRET = 'int-env-secret-4b2e81';
const SECRETS = [HTTP_TOKEN, 'int-http-token-7f3a9c', ENV_SECRET];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let gw: TestGateway;
let server: HttpModelServer;
let admin: Viewer;
let member: Viewer;
let other: Viewer;
const logs: string[] = [];

const caller = (viewer: Viewer) => createCaller({ ...gw.deps, viewer });
const noSecretIn = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const s of SECRETS) expect(text).not.toContain(s);
  expect(text).not.toContain('mgw-secret:');
};

const httpManifest = () => ({
  slug: 'secret-http',
  name: 'HTTP model with a credential',
  version: 1,
  task: 'test/secrets',
  runtime: { kind: 'http' as const, url: server.url, protocol: 'oip-v2' as const, model: 'smiles-length', headers: { authorization: HTTP_TOKEN } },
  inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
  outputSchema: { type: 'object', properties: { length: { type: 'integer' }, heavy: { type: 'integer' } }, required: ['length', 'heavy'] },
  batchSize: 10,
  timeoutMs: 5000,
  example: { smiles: 'CCO' },
});

const processManifest = () => ({
  slug: 'secret-env',
  name: 'Process model with an env secret',
  version: 1,
  task: 'test/secrets',
  runtime: {
    kind: 'process' as const,
    command: ['node', '--import', 'tsx', 'main.ts'],
    cwd: path.resolve(import.meta.dirname, '../../../test/fixtures/models/env-check'),
    env: { MODEL_API_KEY: ENV_SECRET },
  },
  inputSchema: { type: 'object', properties: { variable: { type: 'string' }, sha256: { type: 'string' } }, required: ['variable', 'sha256'] },
  outputSchema: { type: 'object', properties: { set: { type: 'boolean' }, matches: { type: 'boolean' } }, required: ['set', 'matches'] },
  batchSize: 10,
  timeoutMs: 10_000,
  example: { variable: 'MODEL_API_KEY', sha256: sha256(ENV_SECRET) },
});

beforeAll(async () => {
  // The worker's log lines are kept, to check that none holds a secret.
  gw = await startTestGateway({ worker: { poolSize: 1, log: (l) => void logs.push(l) } });
  server = await startHttpModelServer();
  admin = await createUser(gw.db, 'admin'); // the first account of a database is its admin
  member = await createUser(gw.db, 'member');
  other = await createUser(gw.db, 'other');
  expect([admin.role, member.role, other.role]).toEqual(['admin', 'member', 'member']);
});

afterAll(async () => {
  await gw?.stop();
  await server?.close();
});

describe('secrets of model versions', () => {
  let httpVersionId: string;
  let processVersionId: string;

  it('registers an HTTP model with a credential and a process model with an env secret, answering only masks', async () => {
    // Shared with the organisation: the other member sees it, and must see only masks.
    const http = await caller(member).models.registerManifest({ manifest: httpManifest(), access: { visibility: 'organisation' } });
    expect(http.outcome).toBe('published');
    expect(http.version.runtime).toEqual({ ...httpManifest().runtime, headers: { authorization: SECRET_MASK } });
    noSecretIn(http);
    httpVersionId = http.version.id;

    // The fixture uploaded as a bundle (with the models/_lib it imports); it runs sandboxed, and its env secret still reaches it.
    const given = processManifest();
    const proc = await caller(admin).models.registerManifest({ manifest: await withFolderBundle(gw.db, given.runtime.cwd, ZModelManifest.parse(given)), access: { visibility: 'organisation' } });
    expect(proc.outcome).toBe('published');
    expect(proc.smokeTest).toMatchObject({ ok: true, output: { set: true, matches: true } });
    expect(proc.version.runtime).toMatchObject({ kind: 'process', env: { MODEL_API_KEY: SECRET_MASK } });
    noSecretIn(proc);
    processVersionId = proc.version.id;
  });

  it('shows another member and the owners only masks, through models.get and versions.get', async () => {
    for (const [viewer, slug] of [
      [other, 'secret-http'],
      [member, 'secret-http'],
      [other, 'secret-env'],
      [admin, 'secret-env'],
    ] as const) {
      const model = await caller(viewer).models.get({ slug });
      expect(model.versions).toHaveLength(1);
      const runtime = model.versions[0].runtime;
      if (runtime.kind === 'http') expect(runtime.headers).toEqual({ authorization: SECRET_MASK });
      else if (runtime.kind === 'process') expect(runtime.env).toEqual({ MODEL_API_KEY: SECRET_MASK });
      else throw new Error(`unexpected runtime ${runtime.kind}`);
      noSecretIn(model);
    }
    const own = await caller(member).versions.get({ versionId: httpVersionId });
    expect(own.runtime).toMatchObject({ headers: { authorization: SECRET_MASK } });
    noSecretIn(own);
    noSecretIn(await caller(admin).versions.get({ versionId: httpVersionId })); // an admin sees no more
    await expect(caller(other).versions.get({ versionId: httpVersionId })).rejects.toBeInstanceOf(TRPCError);
  });

  it('stores no plaintext anywhere in the database', async () => {
    const tables = await sql<{ schema: string; name: string }>`
      select table_schema as schema, table_name as name from information_schema.tables
      where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'`.execute(gw.db);
    expect(tables.rows.length).toBeGreaterThan(5);
    const rowsHolding = async (table: string, text: string) =>
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} t where t::text like ${`%${text}%`}`.execute(gw.db)).rows[0].n;
    expect(await rowsHolding('public.model_versions', server.url)).toBe(1); // the search does find what is there
    for (const { schema, name } of tables.rows) {
      for (const secret of SECRETS) expect(await rowsHolding(`${schema}.${name}`, secret), `${schema}.${name} holds a secret`).toBe(0);
    }
    const row = await gw.db.selectFrom('model_versions').select('runtime').where('id', '=', httpVersionId).executeTakeFirstOrThrow();
    expect(isSealed((row.runtime as { headers: Record<string, string> }).headers.authorization)).toBe(true);
  });

  it("sends the real credential on the worker's call and gives the process the real env value", async () => {
    server.requests.splice(0);
    const p = await caller(other).models.predict({ model: 'secret-http', input: { smiles: 'c1ccccc1' } });
    expect(p.output).toEqual({ length: 8, heavy: 0 });
    const infer = server.requests.filter((r) => r.path.endsWith('/infer'));
    expect(infer).toHaveLength(1);
    expect(infer[0].headers.authorization).toBe(HTTP_TOKEN);

    const yes = await caller(other).models.predict({ model: 'secret-env', input: { variable: 'MODEL_API_KEY', sha256: sha256(ENV_SECRET) } });
    expect(yes.output).toEqual({ set: true, matches: true });
    const no = await caller(other).models.predict({ model: 'secret-env', input: { variable: 'MODEL_API_KEY', sha256: sha256('a guess') } });
    expect(no.output).toEqual({ set: true, matches: false });
    // The worker's own key never reaches a model.
    const key = await caller(other).models.predict({ model: 'secret-env', input: { variable: 'GATEWAY_SECRET_KEY', sha256: sha256('x') } });
    expect(key.output).toEqual({ set: false, matches: false });
    noSecretIn([p, yes, no, key]);
  });

  it('keeps the secret on an unchanged masked value, and registering the same manifest again changes nothing', async () => {
    const again = await caller(member).models.registerManifest({ manifest: httpManifest() });
    expect(again.outcome).toBe('unchanged');
    const masked = await caller(member).models.registerManifest({
      manifest: { ...httpManifest(), runtime: { ...httpManifest().runtime, headers: { authorization: SECRET_MASK } } },
    });
    expect(masked.outcome).toBe('unchanged');
    const changed = await caller(member).models.registerManifest({
      manifest: { ...httpManifest(), runtime: { ...httpManifest().runtime, headers: { authorization: 'Bearer another' } } },
    }).catch((e: TRPCError) => e);
    expect(changed).toMatchObject({ code: 'CONFLICT' }); // v1 is published: rotating is a new version
  });

  it('lets the owner edit a draft: a mask keeps the stored value, a new value replaces it, a removed name removes it', async () => {
    const v1 = await caller(member).versions.get({ versionId: httpVersionId });
    const spec = { runtime: v1.runtime, inputSchema: v1.inputSchema, outputSchema: v1.outputSchema, resources: v1.resources, batchSize: v1.batchSize, timeoutMs: v1.timeoutMs, example: v1.example };
    // A copy of v1 without saying where its masked values come from has nothing to keep.
    await expect(caller(member).versions.createDraft({ slug: 'secret-http', spec })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/keeps a stored value/) });
    // Another member cannot borrow v1's secrets for a model of their own.
    await caller(other).models.create({ slug: 'borrower', name: 'Borrower', task: 'test/secrets' });
    await expect(caller(other).versions.createDraft({ slug: 'borrower', spec, secretsFrom: v1.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const v2 = await caller(member).versions.createDraft({ slug: 'secret-http', spec, secretsFrom: v1.id });
    expect(v2.runtime).toMatchObject({ headers: { authorization: SECRET_MASK } });
    expect(v2.digest).toBe(v1.digest); // same content, same digest
    const stored = async () => {
      const v = await findVersion(gw.db, { id: v2.id });
      return v?.runtime.kind === 'http' ? openSecrets(v.runtime.headers) : null;
    };
    expect(await stored()).toEqual({ authorization: HTTP_TOKEN });

    // The wizard's check uses the stored value for the mask.
    server.requests.splice(0);
    const check = await caller(member).models.checkHttp({ runtime: v2.runtime as never, versionId: v2.id });
    expect(check).toMatchObject({ ok: true });
    expect(server.requests[0].headers.authorization).toBe(HTTP_TOKEN);

    const withNew = { ...spec, runtime: { ...spec.runtime, headers: { authorization: SECRET_MASK, 'x-api-key': 'int-new-key' } } };
    await caller(member).versions.update({ versionId: v2.id, spec: withNew as never });
    expect(await stored()).toEqual({ authorization: HTTP_TOKEN, 'x-api-key': 'int-new-key' });
    const replaced = { ...spec, runtime: { ...spec.runtime, headers: { 'x-api-key': 'int-newer-key' } } };
    const v2b = await caller(member).versions.update({ versionId: v2.id, spec: replaced as never });
    expect(await stored()).toEqual({ 'x-api-key': 'int-newer-key' });
    expect(v2b.digest).not.toBe(v1.digest);
    expect(JSON.stringify(v2b)).not.toContain('int-newer-key');
  });

  it('refuses a URL outside GATEWAY_OUTBOUND_HOSTS at draft save, naming the host and the setting', async () => {
    const v1 = await caller(member).versions.get({ versionId: httpVersionId });
    const spec = { runtime: { kind: 'http' as const, url: 'http://169.254.169.254/latest', protocol: 'json' as const }, inputSchema: v1.inputSchema, outputSchema: v1.outputSchema };
    await expect(caller(member).versions.createDraft({ slug: 'secret-http', spec })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/runtime\.url: the host 169\.254\.169\.254 is not in GATEWAY_OUTBOUND_HOSTS/),
    });
    await expect(caller(member).models.checkHttp({ runtime: spec.runtime })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('seals, at start-up, secret values stored in plaintext before they were sealed, with the digest a registration gives', async () => {
    const manifest = { ...httpManifest(), slug: 'legacy-http', runtime: { ...httpManifest().runtime, headers: { authorization: 'Bearer int-legacy' } } };
    const registered = await caller(member).models.registerManifest({ manifest, access: { visibility: 'organisation' } });
    // What a version stored before this change looked like: plaintext, digested over the plaintext.
    await gw.db.updateTable('model_versions').set({ runtime: JSON.stringify(manifest.runtime), digest: 'sha256:legacy' }).where('id', '=', registered.version.id).execute();
    const masked = await caller(other).models.get({ slug: 'legacy-http' });
    expect(masked.versions[0].runtime).toMatchObject({ headers: { authorization: SECRET_MASK } }); // masked even before sealing

    expect(await sealStoredSecrets(gw.deps)).toBe(1);
    expect(await sealStoredSecrets(gw.deps)).toBe(0);
    const row = await gw.db.selectFrom('model_versions').select(['runtime', 'digest']).where('id', '=', registered.version.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row.runtime)).not.toContain('int-legacy');
    expect(row.digest).toBe(registered.version.digest);
    expect((await caller(member).models.registerManifest({ manifest })).outcome).toBe('unchanged');
  });

  it('never wrote a secret to the worker log', () => {
    expect(logs.join('\n')).not.toMatch(new RegExp(SECRETS.join('|')));
    expect(processVersionId).toBeTruthy();
  });
});
