import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam, createUser, fixtureManifest, startTestGateway, waitForJob, type TestGateway } from '../../../test/support';
import * as jobs from '../jobs/jobs.service';
import type { Viewer } from '../users/viewer';
import { modelAccess, VISIBILITIES, type ModelVisibility } from '../../shared/permissions';
import { publishTrustedManifest } from './builtins.service';
import * as models from './models.service';
import * as repo from './models.repository';
import * as sharing from './sharing.service';
import * as versions from './versions.service';

let gw: TestGateway;
let admin: Viewer;
let owner: Viewer;
let teammate: Viewer;
let outsider: Viewer;
let reader: Viewer;
let teamA: string;

async function echoModel(slug: string, visibility: ModelVisibility, by: Viewer = owner) {
  const manifest = { ...(await fixtureManifest(gw.db, 'echo')), slug, name: slug, task: `vis/${slug}` };
  return publishTrustedManifest(gw.deps, { manifest, builtIn: false, owner: by, visibility, teamId: teamA });
}

beforeAll(async () => {
  gw = await startTestGateway();
  admin = await createUser(gw.db, 'admin');
  teamA = await createTeam(gw.db, 'team-a');
  const teamB = await createTeam(gw.db, 'team-b');
  owner = await createUser(gw.db, 'owner', { teamIds: [teamA] });
  teammate = await createUser(gw.db, 'teammate', { teamIds: [teamA] });
  outsider = await createUser(gw.db, 'outsider', { teamIds: [teamB] });
  reader = await createUser(gw.db, 'reader', { role: 'viewer', teamIds: [teamB] });
  for (const v of VISIBILITIES) await echoModel(`vis-${v}`, v);
}, 300_000);

afterAll(async () => gw?.stop());

describe('model visibility', () => {
  it('filters lists in SQL exactly as modelAccess decides one model, with and without grants', async () => {
    await sharing.createGrant(gw.deps, owner, { slug: 'vis-private', userEmail: reader.email, level: 'run' });
    for (const viewer of [admin, owner, teammate, outsider, reader]) {
      const listed = new Set((await models.listModels(gw.deps, viewer, { limit: 100, offset: 0 })).items.map((m) => m.slug));
      for (const slug of ['vis-private', 'vis-team', 'vis-organisation']) {
        const m = (await repo.findModelBySlug(gw.db, slug, viewer))!;
        expect(listed.has(slug), `${viewer.email} × ${slug}`).toBe(modelAccess(viewer, { ...m, viewerGrant: m.viewerGrant }) !== 'none');
      }
    }
    // The viewer role reads what it is granted, and never runs it, whatever the grant says.
    expect((await models.getModel(gw.deps, reader, { slug: 'vis-private' })).access).toBe('view');
    await expect(jobs.submitJob(gw.deps, reader, { model: 'vis-private', inputs: [{ smiles: 'C' }] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('suggests only slugs the caller may see when a name is wrong', async () => {
    await expect(models.getModel(gw.deps, outsider, { slug: 'vis-privat' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.not.stringContaining('vis-private'),
    });
    await expect(models.getModel(gw.deps, owner, { slug: 'vis-privat' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"vis-private"') });
  });

  it("shows other callers' failures only as counts, never their inputs", async () => {
    const secret = 'C'.repeat(3) + '(N)O-secret';
    const theirs = await jobs.submitJob(gw.deps, outsider, { model: 'vis-organisation', inputs: [{ smiles: 'CCO' }, { smiles: secret }] });
    const mine = await jobs.submitJob(gw.deps, owner, { model: 'vis-organisation', inputs: [{ smiles: 'not a molecule (' }] });
    await waitForJob(gw.deps, outsider, theirs.id);
    await waitForJob(gw.deps, owner, mine.id);
    const usage = await models.getModelUsage(gw.deps, owner, { slug: 'vis-organisation', days: 30 });
    expect(JSON.stringify(usage)).not.toContain('secret');
    expect(usage.otherErrors.reduce((n, e) => n + e.count, 0)).toBeGreaterThanOrEqual(1);
    expect(usage.lastErrors.length).toBeGreaterThanOrEqual(1);
    const theirView = await models.getModelUsage(gw.deps, outsider, { slug: 'vis-organisation', days: 30 });
    expect(JSON.stringify(theirView.otherErrors)).not.toContain('molecule');
  });

  it('lets a consensus include only models its owner may run, and runs its members under the caller’s own access', async () => {
    const spec = (ref: string) => ({
      runtime: { kind: 'consensus' as const, members: [{ ref, field: 'length', name: 'a' }, { ref: 'vis-organisation', field: 'length', name: 'b' }], strategy: 'mean', params: {}, quorum: 1, outputField: 'value' },
      inputSchema: {},
      outputSchema: {},
      resources: {},
      batchSize: 10,
      timeoutMs: 60_000,
      example: { smiles: 'CCO' },
    });
    await versions.createModel(gw.deps, outsider, { slug: 'outsider-pair', name: 'pair', task: 't', description: '', tags: [], visibility: 'organisation' });
    // A member the outsider may not see is NOT_FOUND, as everywhere.
    await expect(versions.createDraftVersion(gw.deps, outsider, { slug: 'outsider-pair', spec: spec('vis-team') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/member "a": no model named "vis-team"/),
    });

    // The owner's organisation-wide consensus over their team model: teammates run it, outsiders are refused at its member.
    await versions.createModel(gw.deps, owner, { slug: 'team-pair', name: 'pair', task: 't', description: '', tags: [], visibility: 'organisation' });
    const draft = await versions.createDraftVersion(gw.deps, owner, { slug: 'team-pair', spec: spec('vis-team') });
    await gw.db.updateTable('model_versions').set({ status: 'published' }).where('id', '=', draft.id).execute();
    const ok = await jobs.submitJob(gw.deps, teammate, { model: 'team-pair', inputs: [{ smiles: 'CCO' }] });
    expect((await waitForJob(gw.deps, teammate, ok.id)).status).toBe('succeeded');
    await expect(jobs.submitJob(gw.deps, outsider, { model: 'team-pair', inputs: [{ smiles: 'CCO' }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
