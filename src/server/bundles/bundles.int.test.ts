import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarGz, zip } from '../../../test/archives';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { BundleCache } from '../../workers/bundles/bundle-cache';
import type { Viewer } from '../users/viewer';
import * as versions from '../models/versions.service';
import { DbBundleStore, S3BundleStore, type BundleStore } from './bundle-store';
import { getBundle, readCapped, saveBundle, uploadBundle } from './bundles.service';
import { sha256Digest } from './pack';

let gw: TestGateway;
let admin: Viewer;
let owner: Viewer;
let s3: S3rver;
let s3Dir: string;
let s3Store: S3BundleStore;

const manifest = {
  slug: 'bundled',
  name: 'Bundled',
  version: 1,
  task: 'test/echo',
  runtime: { kind: 'process', command: ['python3', 'main.py'] },
  inputSchema: { type: 'object' },
  outputSchema: { type: 'object' },
};

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  admin = await createUser(gw.db, 'admin');
  owner = await createUser(gw.db, 'owner');
  s3Dir = mkdtempSync(path.join(os.tmpdir(), 'mgw-s3rver-'));
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Dir, configureBuckets: [{ name: 'bundles' }] });
  const { port } = await s3.run();
  s3Store = new S3BundleStore({ endpoint: `http://127.0.0.1:${port}`, bucket: 'bundles', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
});

afterAll(async () => {
  await s3?.close();
  await fs.rm(s3Dir, { recursive: true, force: true });
  await gw?.stop();
});

describe('bundle stores', () => {
  const cases: [string, () => BundleStore][] = [
    ['PostgreSQL', () => new DbBundleStore(gw.db)],
    ['S3 (s3rver)', () => s3Store],
  ];
  for (const [name, store] of cases) {
    it(`${name}: put, has, get by digest, and the bytes verify`, async () => {
      const bytes = await tarGz([{ name: 'main.py', content: `print(${JSON.stringify(name)})\n` }]);
      const digest = sha256Digest(bytes);
      expect(await store().has(digest)).toBe(false);
      expect(await store().get(digest)).toBeNull();
      await store().put(digest, bytes);
      await store().put(digest, bytes); // content-addressed: a second put changes nothing
      expect(await store().has(digest)).toBe(true);
      const back = await store().get(digest);
      expect(back && sha256Digest(back)).toBe(digest);
      expect(Buffer.compare(back!, bytes)).toBe(0);
    });

    it(`${name}: a worker's cache unpacks a stored bundle once and refuses one whose bytes were changed`, async () => {
      const bytes = await tarGz([{ name: 'model.json', content: '{}' }, { name: 'bin/run.sh', content: '#!/bin/sh\n', mode: 0o755 }]);
      const { digest } = await saveBundle(gw.db, { bytes, uploadedBy: owner.id, store: store() });
      const dir = mkdtempSync(path.join(os.tmpdir(), 'mgw-cache-'));
      let fetches = 0;
      const cache = new BundleCache({ dir, fetch: (d) => (fetches++, store().get(d)) });
      const [a, b] = await Promise.all([cache.path(digest), cache.path(digest)]);
      expect(a).toBe(b);
      expect(fetches).toBe(1);
      expect((await fs.stat(path.join(a, 'bin/run.sh'))).mode & 0o777).toBe(0o755);
      expect((await fs.stat(path.join(a, 'model.json'))).mode & 0o777).toBe(0o644);

      const tampered = new BundleCache({ dir, fetch: async () => Buffer.concat([bytes, Buffer.from('x')]) });
      const other = sha256Digest(await tarGz([{ name: 'x', content: 'y' }]));
      await expect(tampered.path(other)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/does not match its digest/) });
      await fs.rm(dir, { recursive: true, force: true });
    });
  }
});

describe('uploading a bundle', () => {
  it('answers the digest, size, file count and the manifest with its runtime completed, and records the uploader', async () => {
    const bytes = await tarGz([
      { name: 'heavy/model.json', content: JSON.stringify(manifest) },
      { name: 'heavy/main.py', content: 'print(1)\n' },
    ]);
    const up = await uploadBundle(gw.deps, owner, { body: bytes });
    expect(up).toMatchObject({ digest: sha256Digest(bytes), sizeBytes: bytes.length, files: 2 });
    expect(up.manifest).toMatchObject({ slug: 'bundled', runtime: { kind: 'process', command: ['python3', 'main.py'], bundle: up.digest, cwd: 'heavy' } });
    expect(await getBundle(gw.db, up.digest)).toMatchObject({ uploadedBy: owner.id, store: 'db', format: 'tar.gz', files: 2 });
    // The same bytes again: the same digest, the first uploader kept.
    expect((await uploadBundle(gw.deps, admin, { body: bytes })).digest).toBe(up.digest);
    expect((await getBundle(gw.db, up.digest))!.uploadedBy).toBe(owner.id);
  });

  it('takes a .zip too, and a bundle without a manifest', async () => {
    const up = await uploadBundle(gw.deps, owner, { body: zip([{ name: 'main.py', content: 'print(1)\n' }]) });
    expect(up).toMatchObject({ files: 1 });
    expect(up.manifest).toBeUndefined();
  });

  it('refuses a hostile archive with a typed error naming the entry', async () => {
    await expect(uploadBundle(gw.deps, owner, { body: await tarGz([{ name: '../../etc/cron.d/x', content: 'x' }]) })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { entry: '../../etc/cron.d/x' },
    });
    await expect(uploadBundle(gw.deps, owner, { body: Buffer.from('not an archive') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('cuts a streamed body at the limit', async () => {
    async function* endless() {
      for (let i = 0; i < 100; i++) yield new Uint8Array(1024);
    }
    await expect(readCapped(endless(), 10_000)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 10_000 } });
  });

  it('lets a user name only an uploaded bundle, and only admins a command on the worker host', async () => {
    const bytes = await tarGz([{ name: 'main.py', content: 'print(2)\n' }]);
    const { digest } = await uploadBundle(gw.deps, owner, { body: bytes });
    await versions.createModel(gw.deps, owner, { slug: 'mine', name: 'Mine', task: 'test/x', description: '', tags: [] });
    const spec = (runtime: Record<string, unknown>) => ({
      runtime: { kind: 'process' as const, command: ['python3', 'main.py'], ...runtime },
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object' },
      resources: {},
      batchSize: 10,
      timeoutMs: 10_000,
      example: null,
    });
    await expect(versions.createDraftVersion(gw.deps, owner, { slug: 'mine', spec: spec({}) })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/only administrators may register; upload your model folder as a bundle/),
    });
    const missing = `sha256:${'0'.repeat(64)}`;
    await expect(versions.createDraftVersion(gw.deps, owner, { slug: 'mine', spec: spec({ bundle: missing }) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(versions.createDraftVersion(gw.deps, owner, { slug: 'mine', spec: spec({ bundle: digest, cwd: '../..' }) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const draft = await versions.createDraftVersion(gw.deps, owner, { slug: 'mine', spec: spec({ bundle: digest }) });
    expect(draft.runtime).toMatchObject({ bundle: digest });
    // The version's digest covers the bundle: another bundle, another digest.
    const other = await uploadBundle(gw.deps, owner, { body: await tarGz([{ name: 'main.py', content: 'print(3)\n' }]) });
    const edited = await versions.updateDraftVersion(gw.deps, owner, { versionId: draft.id, spec: spec({ bundle: other.digest }) });
    expect(edited.digest).not.toBe(draft.digest);
    await versions.createModel(gw.deps, admin, { slug: 'host-tool', name: 'Host tool', task: 'test/x', description: '', tags: [] });
    expect(await versions.createDraftVersion(gw.deps, admin, { slug: 'host-tool', spec: spec({ cwd: '/opt/tool' }) })).toMatchObject({ status: 'draft' });
  });
});
