import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jobs from '../server/jobs/jobs.service';
import { publishTrustedManifest } from '../server/models/builtins.service';
import type { TModelManifest } from '../server/models/models.schema';
import type { Viewer } from '../server/users/viewer';
import { createUser, fixtureModelsDir, startTestGateway, until, waitForJob, type TestGateway } from '../../test/support';
import { NAMESPACE, startFakeCluster, type FakeCluster } from '../../test/fixtures/kube/kube-cluster';
import { startWorker, type WorkerHandle } from './main';

const NODE_MODEL = ['node', '--import', 'tsx', 'main.ts'];
const GATED = path.resolve(import.meta.dirname, '../../test/fixtures/kube/models/gated');

let gw: TestGateway;
let cluster: FakeCluster;
let worker: WorkerHandle;
let viewer: Viewer;
let gateDir: string;
const workerLog: string[] = [];

const schema = {
  inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
  outputSchema: { type: 'object', properties: { smiles: { type: 'string' }, length: { type: 'integer' } }, required: ['smiles', 'length'] },
};

async function kubeModel(slug: string, runtime: { image: string; command?: string[]; env?: Record<string, string> }, patch: Partial<TModelManifest> = {}) {
  const manifest = {
    slug,
    name: slug,
    version: 1,
    task: 'test/echo',
    description: '',
    tags: [],
    runtime: { kind: 'kubernetes' as const, ...runtime },
    ...schema,
    resources: { cpu: 0.5, memoryMb: 256 },
    batchSize: 10,
    timeoutMs: 20_000,
    requires: [],
    ...patch,
  };
  return publishTrustedManifest({ db: gw.db }, { manifest, builtIn: false, codeDigest: randomBytes(8).toString('hex') });
}

const submit = (model: string, smiles: string[]) => jobs.submitJob(gw.deps, viewer, { model, inputs: smiles.map((s) => ({ smiles: s })) });
const results = async (jobId: string) => (await jobs.listResults(gw.deps, viewer, { jobId, limit: 500, offset: 0 })).items;
const jobsOfTask = (label: string, value: string) => cluster.api.list('jobs', NAMESPACE).filter((j) => j.metadata.labels?.[label] === value);
const podsOfJob = (jobId: string) => cluster.api.list('pods', NAMESPACE).filter((p) => p.metadata.labels?.['model-gateway.io/job'] === jobId);
/** The job has ended once every item has a result; its task closes when the worker has read the Job's end. */
async function settled(jobId: string) {
  await waitForJob(gw.deps, viewer, jobId);
  await until(async () => (await jobs.getJob(gw.deps, viewer, { jobId })).tasksDone === (await jobs.getJob(gw.deps, viewer, { jobId })).tasksTotal, 'its tasks are closed');
  return jobs.getJob(gw.deps, viewer, { jobId });
}
const logOf = (pod: { metadata: { name: string } }) => cluster.api.logs.get(`${NAMESPACE}/${pod.metadata.name}`) ?? '';

async function gate(name: string) {
  const file = path.join(gateDir, name);
  return { file, open: () => fs.writeFile(file, 'go') };
}

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  gateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mgw-gates-'));
  cluster = await startFakeCluster(gw.deps, {
    'registry.test/echo:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL },
    'registry.test/crash:1': { dir: path.join(fixtureModelsDir, 'crash'), cmd: NODE_MODEL },
    'registry.test/oom:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, kill: { reason: 'OOMKilled', whenLog: /items to run/ } },
    'registry.test/evicted:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, kill: { reason: 'Evicted', whenLog: /items to run/, times: 1 } },
    'registry.test/nodelost:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, kill: { reason: 'NodeLost', whenLog: /items to run/, times: 1 } },
    'registry.test/loading:1': { idle: 'loading 40 GB of weights…' },
    'registry.test/gated:1': { dir: GATED, cmd: ['python3', 'main.py'] },
    'registry.test/flaky-network:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, loseResultResponses: 1 },
  });
  worker = await startWorker({ databaseUrl: gw.t.url, kubernetes: cluster.config(), log: (l) => workerLog.push(l) });
  viewer = await createUser(gw.db);
});

afterAll(async () => {
  await worker?.stop();
  await cluster?.stop();
  await gw?.stop();
});

describe('the kubernetes executor, through the fake API server and the real runner', () => {
  it('runs a task end to end as a Job and records what the pod posted', async () => {
    const { version } = await kubeModel('k8s-echo', { image: 'registry.test/echo:1', env: { MODEL_MODE: 'fast' } }, { resources: { cpu: 2, memoryMb: 2048, gpu: { count: 1, type: 'a100' } } });
    const submitted = await submit('k8s-echo', ['CCO', 'c1ccccc1', 'CCN']);
    let spec: any;
    await until(() => (spec = jobsOfTask('model-gateway.io/job', submitted.id)[0]) !== undefined, 'the Job exists');
    const job = await settled(submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 3, itemsFailed: 0, tasksDone: 1 });
    const rows = await results(job.id);
    expect(rows.map((r) => r.output)).toEqual([
      { smiles: 'CCO', length: 3 },
      { smiles: 'c1ccccc1', length: 8 },
      { smiles: 'CCN', length: 3 },
    ]);

    // The Job as the executor created it.
    expect(spec.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'model-gateway', 'model-gateway.io/job': job.id, 'model-gateway.io/version': version.id });
    expect(spec.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 3600, activeDeadlineSeconds: 60 + 60 });
    const pod = spec.spec.template.spec;
    expect(pod).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'model-runner', automountServiceAccountToken: false, imagePullSecrets: [{ name: 'registry-cred' }], nodeSelector: { 'gpu.pool': 'a100' } });
    expect(pod.tolerations).toEqual(expect.arrayContaining([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, { key: 'pool', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }]));
    const container = pod.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '2', memory: '2048Mi' }, limits: { memory: '2048Mi', 'nvidia.com/gpu': '1' } });
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ MODEL_MODE: 'fast', MGW_TASK_URL: cluster.taskUrl, MGW_TASK_ID: spec.metadata.labels['model-gateway.io/task'] });
    expect(env.MGW_TASK_TOKEN).toMatch(/^mgt_/);
    // Results came from the pod's posts; the finished Job was deleted and its token revoked.
    expect(cluster.taskRequests.some((r) => r.method === 'POST' && r.status === 200)).toBe(true);
    await until(() => jobsOfTask('model-gateway.io/job', job.id).length === 0, 'the finished Job is deleted');
    const tokens = await gw.db.selectFrom('task_tokens').selectAll().execute();
    expect(tokens).toHaveLength(0);
  });
});
