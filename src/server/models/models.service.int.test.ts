import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeViewer, fixtureModelsDir, registerFixtureModel, startTestGateway, type TestGateway } from '../../../test/support';
import { publishTrustedManifest, seedBuiltInModels } from './builtins.service';
import { loadManifest, projectRoot } from './manifest';
import * as models from './models.service';

let gw: TestGateway;
let builtIns = 0;

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
});
afterAll(async () => gw?.stop());

describe('registry', () => {
  it('seeds every built-in model from its manifest, idempotently', async () => {
    // The template database was seeded already; seeding again changes nothing.
    const before = await models.listModels(gw.deps, null, { limit: 50, offset: 0 });
    const seeded = await seedBuiltInModels(gw.deps);
    expect(seeded).toEqual(expect.arrayContaining(['esol-solubility', 'ocl-properties', 'rdkit-descriptors']));
    const { items, total } = await models.listModels(gw.deps, null, { limit: 50, offset: 0 });
    expect(total).toBe(seeded.length);
    expect(total).toBe(before.total);
    // Each at the version its manifest names (a trained model's comes from its training ledger, and matches).
    const manifestVersion = (slug: string) => (JSON.parse(readFileSync(path.join(projectRoot, 'models', slug, 'model.json'), 'utf8')) as { version: number }).version;
    expect(items.every((m) => m.builtIn && m.latestVersion === manifestVersion(m.slug))).toBe(true);
    expect(items.find((m) => m.slug === 'logS-consensus')?.runtimeKind).toBe('consensus');
    expect(items.find((m) => m.slug === 'esol-solubility')?.runtimeKind).toBe('process');
    builtIns = total;
  });

  it('searches by name, description or tag, filters by task, and pages', async () => {
    await registerFixtureModel(gw.db, 'echo');
    expect((await models.listModels(gw.deps, null, { search: 'openchemlib', limit: 10, offset: 0 })).items.map((m) => m.slug)).toContain('ocl-properties');
    expect((await models.listModels(gw.deps, null, { search: 'openchemlib', limit: 10, offset: 0 })).items.map((m) => m.slug)).not.toContain('rdkit-descriptors');
    expect((await models.listModels(gw.deps, null, { search: 'fixture', limit: 10, offset: 0 })).items.map((m) => m.slug)).toEqual(['test-echo']);
    const rdkit = await models.getModel(gw.deps, null, { slug: 'rdkit-descriptors' });
    expect((await models.listModels(gw.deps, null, { task: rdkit.task, limit: 10, offset: 0 })).items.map((m) => m.slug)).toContain('rdkit-descriptors');
    const page1 = await models.listModels(gw.deps, null, { limit: 2, offset: 0 });
    const page2 = await models.listModels(gw.deps, null, { limit: 2, offset: 2 });
    expect(page1.total).toBe(builtIns + 1);
    expect(page1.items).toHaveLength(2);
    expect(page2.items).toHaveLength(2);
    expect(new Set([...page1.items, ...page2.items].map((m) => m.slug)).size).toBe(4);
    const all = await models.listModels(gw.deps, null, { limit: 100, offset: 0 });
    expect(await models.listTasks(gw.deps, null)).toEqual([...new Set(all.items.map((m) => m.task))].sort());
    expect((await models.listModels(gw.deps, null, { tag: 'esol', limit: 10, offset: 0 })).items.map((m) => m.slug)).toEqual(['esol-solubility']);
    expect((await models.listModels(gw.deps, null, { status: 'published', limit: 100, offset: 0 })).total).toBe(builtIns + 1);
    expect((await models.listModels(gw.deps, null, { status: 'draft', limit: 10, offset: 0 })).total).toBe(0);
    expect((await models.listModels(gw.deps, fakeViewer(), { owner: 'me', limit: 10, offset: 0 })).total).toBe(0);
    expect(await models.listTags(gw.deps, null)).toContain('rdkit');
    // Wildcards in a search are literal.
    expect((await models.listModels(gw.deps, null, { search: '%', limit: 10, offset: 0 })).total).toBe(0);
  });

  it('resolves slug, slug@N and slug@latest, and explains what is wrong otherwise', async () => {
    const latest = await models.resolveModelRef(gw.db, 'esol-solubility');
    expect(latest).toMatchObject({ slug: 'esol-solubility', version: 1, status: 'published' });
    expect((await models.resolveModelRef(gw.db, 'esol-solubility@1')).id).toBe(latest.id);
    expect((await models.resolveModelRef(gw.db, 'esol-solubility@latest')).id).toBe(latest.id);
    await expect(models.resolveModelRef(gw.db, 'esol-solubility@7')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no published version 7/) });
    await expect(models.resolveModelRef(gw.db, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.resolveModelRef(gw.db, 'esol-solubility@prod!')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses to change a published version of a user model (versions are immutable)', async () => {
    const { manifest, codeDigest } = await loadManifest(path.join(fixtureModelsDir, 'echo'));
    const changed = { ...manifest, timeoutMs: manifest.timeoutMs + 1 };
    await expect(publishTrustedManifest(gw.deps, { manifest: changed, builtIn: false, codeDigest })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/bump "version"/),
    });
    const bumped = await publishTrustedManifest(gw.deps, { manifest: { ...changed, version: 2 }, builtIn: false, codeDigest });
    expect(bumped).toMatchObject({ created: true, version: { version: 2 } });
    expect((await models.resolveModelRef(gw.db, 'test-echo')).version).toBe(2);
    expect((await models.resolveModelRef(gw.db, 'test-echo@1')).timeoutMs).toBe(manifest.timeoutMs);
  });

  it('stores built-in runtimes relative to the project so a checkout can move', async () => {
    const v = await models.resolveModelRef(gw.db, 'rdkit-descriptors');
    expect(v.runtime).toMatchObject({ kind: 'process', cwd: 'models/rdkit-descriptors' });
    expect(path.isAbsolute(projectRoot)).toBe(true);
    expect(v.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
