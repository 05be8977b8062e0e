import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, waitForJob, type TestGateway } from '../../test/support';
import { startHttpModelServer, type HttpModelServer } from '../../test/fixtures/http-model-server';
import * as jobs from '../server/jobs/jobs.service';
import { publishTrustedManifest } from '../server/models/builtins.service';
import { ZModelManifest } from '../server/models/models.schema';
import type { Viewer } from '../server/users/viewer';

let gw: TestGateway;
let viewer: Viewer;
let server: HttpModelServer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: { poolSize: 1, batchSize: 4 } });
  server = await startHttpModelServer();
  viewer = await createUser(gw.db);
  const manifest = ZModelManifest.parse({
    slug: 'http-smiles-length',
    name: 'SMILES length over HTTP',
    version: 1,
    task: 'test/http',
    runtime: { kind: 'http', url: server.url, protocol: 'oip-v2', model: 'smiles-length' },
    inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
    outputSchema: {
      type: 'object',
      properties: { length: { type: 'integer' }, heavy: { type: 'integer' } },
      required: ['length', 'heavy'],
    },
    batchSize: 10,
    timeoutMs: 5000,
  });
  await publishTrustedManifest(gw.deps, { manifest, builtIn: false });
});

afterAll(async () => {
  await gw?.stop();
  await server?.close();
});

const finished = (jobId: string) => waitForJob(gw.deps, viewer, jobId, 60_000);

const inferRequests = () => server.requests.filter((r) => r.path.endsWith('/infer')).length;

describe('worker running a model served over HTTP (oip-v2)', () => {
  it('runs a job through the model server, retrying after a 500', async () => {
    server.failNext('500');
    const inputs = ['CCO', 'c1ccccc1', 'CC(=O)Oc1ccccc1C(=O)O', 'ClCCl'].map((smiles) => ({ smiles }));
    const submitted = await jobs.submitJob(gw.deps, viewer, { model: 'http-smiles-length', inputs });
    const job = await finished(submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', itemsTotal: 4, itemsDone: 4, itemsFailed: 0, tasksDone: 1 });
    expect(inferRequests()).toBe(2); // the 500, then the retry

    const rows = (await jobs.listResults(gw.deps, viewer, { jobId: job.id, limit: 10, offset: 0 })).items;
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      // The model saw the canonical SMILES, so that is what its answer describes.
      const smiles = row.input.smiles as string;
      expect(row.output).toEqual({ length: smiles.length, heavy: (smiles.match(/[A-Z]/g) ?? []).length });
      expect(row.attempt).toBe(2);
    }
  });

  it('fails the items with the status and a hint on a 400 (nothing of the body), without retrying', async () => {
    const before = inferRequests();
    server.failNext('400');
    const submitted = await jobs.submitJob(gw.deps, viewer, { model: 'http-smiles-length', inputs: [{ smiles: 'CCN' }] });
    const job = await finished(submitted.id);
    expect(job).toMatchObject({ status: 'failed', itemsFailed: 1 });
    expect(inferRequests() - before).toBe(1);
    const [row] = (await jobs.listResults(gw.deps, viewer, { jobId: job.id, limit: 10, offset: 0 })).items;
    expect(row).toMatchObject({ errorCode: 'INVALID_INPUT', error: expect.stringMatching(/refused the request with HTTP 400; check that the version's input schema/) });
    expect(row.error).not.toContain('told to reject');
  });
});
