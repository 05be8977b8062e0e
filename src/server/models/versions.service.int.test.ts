import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, fixtureManifest, startTestGateway, type FixtureModel, type TestGateway } from '../../../test/support';
import { withFolderBundle } from '../bundles/model-folder';
import * as jobs from '../jobs/jobs.service';
import type { Viewer } from '../users/viewer';
import { loadManifest, onPath, projectRoot } from './manifest';
import { getModel, listMyDrafts, resolveModelRef, updateModelInfo } from './models.service';
import { ZCreateModelInput } from './versions.schema';
import { registerManifest } from './register.service';
import { inferSchemas } from './schema-inference';
import { runSmokeTest } from './smoke-test.service';
import type { TVersionSpec } from './versions.schema';
import * as versions from './versions.service';

let gw: TestGateway;
let owner: Viewer;
let stranger: Viewer;

beforeAll(async () => {
  gw = await startTestGateway();
  await createUser(gw.db, 'admin'); // the first account is the admin; the others are not
  owner = await createUser(gw.db, 'owner');
  stranger = await createUser(gw.db, 'stranger');
});

afterAll(async () => gw?.stop());

/** A fixture as a user registers it: its folder uploaded as a bundle. */
async function fixtureSpec(name: FixtureModel, patch: Partial<TVersionSpec> = {}): Promise<TVersionSpec> {
  const manifest = await fixtureManifest(gw.db, name);
  return {
    runtime: manifest.runtime,
    inputSchema: manifest.inputSchema,
    outputSchema: manifest.outputSchema,
    resources: {},
    batchSize: manifest.batchSize,
    timeoutMs: manifest.timeoutMs,
    example: manifest.example ?? null,
    ...patch,
  };
}

async function publishedEcho(slug: string, patch: Partial<TVersionSpec> = {}, aliases: string[] = []) {
  const draft = await versions.createDraftVersion(gw.deps, owner, { slug, spec: await fixtureSpec('echo', patch) });
  const { result } = await runSmokeTest(gw.deps, owner, { versionId: draft.id });
  expect(result).toMatchObject({ ok: true });
  return versions.publishVersion(gw.deps, owner, { versionId: draft.id, aliases });
}

describe('versions and aliases', () => {
  it('takes a model from draft to validated to published, and aliases move between versions', async () => {
    await versions.createModel(gw.deps, owner, { slug: 'my-echo', name: 'My echo', task: 'test/echo', description: '', tags: [] });
    const v1 = await publishedEcho('my-echo', {}, ['production']);
    expect(v1).toMatchObject({ version: 1, status: 'published' });
    expect(v1.smokeTest).toMatchObject({ ok: true, output: { smiles: 'CCO', length: 3 } });
    expect((await resolveModelRef(gw.db, 'my-echo@production')).id).toBe(v1.id);

    // A job started on production keeps its version when the alias moves.
    const job = await jobs.submitJob(gw.deps, owner, { model: 'my-echo@production', inputs: [{ smiles: 'CC' }] });
    const v2 = await publishedEcho('my-echo', { batchSize: 5 });
    await versions.setAlias(gw.deps, owner, { slug: 'my-echo', alias: 'production', version: 2 });
    expect((await resolveModelRef(gw.db, 'my-echo@production')).id).toBe(v2.id);
    expect((await jobs.getJob(gw.deps, owner, { jobId: job.id })).version).toBe(1);
    expect((await resolveModelRef(gw.db, 'my-echo')).version).toBe(2);

    await expect(resolveModelRef(gw.db, 'my-echo@staging')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no alias "staging"; its aliases are production/),
    });
    await expect(versions.setAlias(gw.deps, owner, { slug: 'my-echo', alias: 'latest', version: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses to edit a published version, saying to create a new one', async () => {
    const v1 = await resolveModelRef(gw.db, 'my-echo@1');
    await expect(versions.updateDraftVersion(gw.deps, owner, { versionId: v1.id, spec: await fixtureSpec('echo', { timeoutMs: 9999 }) })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/my-echo@1 is published, and published versions are immutable; create a new version/),
    });
  });

  it('will not publish a draft that has not passed a smoke test, nor run it', async () => {
    const draft = await versions.createDraftVersion(gw.deps, owner, { slug: 'my-echo', spec: await fixtureSpec('echo') });
    await expect(versions.publishVersion(gw.deps, owner, { versionId: draft.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/smoke test/) });
    await expect(jobs.submitJob(gw.deps, owner, { model: `my-echo@${draft.version}`, inputs: [{ smiles: 'C' }] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/draft version; publish it before running it/),
    });
  });

  it('keeps deprecated versions running for callers who name them, and skips them for "slug"', async () => {
    await versions.createModel(gw.deps, owner, { slug: 'old-echo', name: 'Old echo', task: 'test/echo', description: '', tags: [] });
    const v1 = await publishedEcho('old-echo');
    await publishedEcho('old-echo');
    const v2 = await resolveModelRef(gw.db, 'old-echo');
    await versions.deprecateVersion(gw.deps, owner, { versionId: v2.id });
    expect((await resolveModelRef(gw.db, 'old-echo')).id).toBe(v1.id);
    expect((await resolveModelRef(gw.db, 'old-echo@2')).status).toBe('deprecated');
    const job = await jobs.submitJob(gw.deps, owner, { model: 'old-echo@2', inputs: [{ smiles: 'C' }] });
    expect(job.warning).toMatch(/old-echo@2 is deprecated/);
  });

  it('shows drafts only to their owner, and lists them for resuming', async () => {
    const draft = await versions.createDraftVersion(gw.deps, owner, { slug: 'old-echo', spec: await fixtureSpec('echo') });
    const mine = await getModel(gw.deps, owner, { slug: 'old-echo' });
    const theirs = await getModel(gw.deps, stranger, { slug: 'old-echo' });
    expect(mine.versions.map((v) => v.version)).toContain(draft.version);
    expect(theirs.versions.map((v) => v.version)).not.toContain(draft.version);
    expect(theirs.versions.every((v) => v.status === 'published' || v.status === 'deprecated')).toBe(true);
    expect((await listMyDrafts(gw.deps, owner)).map((d) => `${d.slug}@${d.version}`)).toContain(`old-echo@${draft.version}`);
    expect(await listMyDrafts(gw.deps, stranger)).toEqual([]);
  });

  it('lets the owner edit a model’s name, task and tags, and reserves the slug "new"', async () => {
    const updated = await updateModelInfo(gw.deps, owner, { slug: 'old-echo', ...{ name: 'Older echo', task: 'test/echo2', description: 'd', tags: ['x'] } });
    expect(updated).toMatchObject({ name: 'Older echo', task: 'test/echo2', tags: ['x'] });
    await expect(updateModelInfo(gw.deps, stranger, { slug: 'old-echo', ...{ name: 'mine', task: 't', description: '', tags: [] } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(ZCreateModelInput.safeParse({ slug: 'new', name: 'n', task: 't' }).error?.issues[0].message).toMatch(/reserved/);
  });

  it("lets only the owner or an admin change a model", async () => {
    await expect(versions.createDraftVersion(gw.deps, stranger, { slug: 'my-echo', spec: await fixtureSpec('echo') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(versions.setAlias(gw.deps, stranger, { slug: 'my-echo', alias: 'production', version: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(versions.createModel(gw.deps, stranger, { slug: 'my-echo', name: 'x', task: 'x', description: '', tags: [] })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});

describe('smoke tests report what went wrong, with the model stderr', () => {
  async function smoke(fixture: FixtureModel, patch: Partial<TVersionSpec>) {
    const slug = `smoke-${fixture}-${Math.random().toString(36).slice(2, 8)}`;
    await versions.createModel(gw.deps, owner, { slug, name: slug, task: 'test/smoke', description: '', tags: [] });
    const draft = await versions.createDraftVersion(gw.deps, owner, { slug, spec: await fixtureSpec(fixture, patch) });
    return runSmokeTest(gw.deps, owner, { versionId: draft.id });
  }

  it('a crash', async () => {
    const { result, version } = await smoke('crash', { example: { smiles: 'CCCl' } });
    expect(result).toMatchObject({ ok: false, code: 'MODEL_CRASHED' });
    expect(result.message).toMatch(/exited with code 3.*about to crash/s);
    expect(version.status).toBe('draft');
  });

  it('an output that does not match the output schema, naming the field', async () => {
    const spec = await fixtureSpec('echo');
    const outputSchema = { ...spec.outputSchema, required: ['smiles', 'length', 'logP'] };
    const { result } = await smoke('echo', { outputSchema });
    expect(result).toMatchObject({ ok: false, code: 'MODEL_PROTOCOL' });
    expect(result.message).toMatch(/does not match its output schema: missing required field "logP"/);
  });

  it('a model that hangs', async () => {
    const { result } = await smoke('hang', { example: { smiles: 'CCN' }, timeoutMs: 1500 });
    expect(result).toMatchObject({ ok: false, code: 'MODEL_TIMEOUT' });
    expect(result.message).toMatch(/no answer within 1500 ms/);
  });

  it('an example that does not fit the input schema', async () => {
    const { result } = await smoke('echo', { example: { smile: 'CCO' } });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(result.message).toMatch(/missing required field "smiles"/);
  });
});

describe('manifests', () => {
  // Smoke-tests every built-in model in turn (science ones included): minutes on a busy machine.
  it('registers every built-in through the users’ path: smoke-tested and published', async () => {
    const dirs = (await fs.readdir(path.join(projectRoot, 'models'), { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('_'));
    let registered = 0;
    for (const d of dirs) {
      const dir = path.join(projectRoot, 'models', d.name);
      if (!(await fs.access(path.join(dir, 'model.json')).then(() => true, () => false))) continue;
      // As a user would: the model folder (with the shared code it imports) uploaded as a bundle.
      const manifest = await withFolderBundle(gw.db, dir, (await loadManifest(dir)).manifest);
      // Science models need programs from Debian (`npm run models:science`); CI installs them.
      if (!manifest.requires.every(onPath)) continue;
      const copy = { ...manifest, slug: `user-${manifest.slug}`, version: 1 };
      const r = await registerManifest(gw.deps, owner, { manifest: copy, ...{ publish: true, aliases: ['production'] } });
      expect(r, `${manifest.slug}: ${r.smokeTest?.message}`).toMatchObject({ outcome: 'published', smokeTest: { ok: true } });
      expect((await registerManifest(gw.deps, owner, { manifest: copy, ...{ publish: true } })).outcome).toBe('unchanged');
      registered++;
    }
    expect(registered).toBeGreaterThanOrEqual(3);
  }, 600_000);

  it('refuses a changed manifest for a published version, and a skipped version number', async () => {
    const dir = path.join(projectRoot, 'models', 'rdkit-descriptors');
    const manifest = await withFolderBundle(gw.db, dir, (await loadManifest(dir)).manifest);
    const copy = { ...manifest, slug: 'user-rdkit-descriptors', version: 1, timeoutMs: 12345 };
    await expect(registerManifest(gw.deps, owner, { manifest: copy, ...{ publish: true } })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(registerManifest(gw.deps, owner, { manifest: { ...copy, version: 5 }, ...{ publish: true } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/next version of "user-rdkit-descriptors" is 2/),
    });
  });
});

describe('schema inference', () => {
  it('proposes types, required fields and the smiles format from one example', async () => {
    const { inputSchema, outputSchema } = await inferSchemas(
      { smiles: 'c1ccccc1O', ligand: 'CC(=O)Oc1ccccc1C(=O)O', name: 'phenol', charge: 0, exhaustive: true },
      { logS: -0.04, heavyAtoms: 7, label: 'soluble' },
    );
    expect(inputSchema).toMatchObject({
      type: 'object',
      required: ['smiles', 'ligand', 'name', 'charge', 'exhaustive'],
      properties: {
        smiles: { type: 'string', format: 'smiles' },
        ligand: { type: 'string', format: 'smiles' },
        name: { type: 'string' },
        charge: { type: 'integer' },
        exhaustive: { type: 'boolean' },
      },
    });
    expect((inputSchema.properties as Record<string, { format?: string }>).name.format).toBeUndefined();
    expect(outputSchema).toMatchObject({ properties: { logS: { type: 'number' }, heavyAtoms: { type: 'number', title: 'Heavy Atoms' }, label: { type: 'string' } } });
  });
});
