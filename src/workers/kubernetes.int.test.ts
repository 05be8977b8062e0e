import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jobs from '../server/jobs/jobs.service';
import { runSmokeTest } from '../server/models/smoke-test.service';
import * as versions from '../server/models/versions.service';
import { publishTrustedManifest } from '../server/models/builtins.service';
import type { TModelManifest } from '../server/models/models.schema';
import type { Viewer } from '../server/users/viewer';
import { createUser, fixtureModelsDir, registerFixtureModel, startTestGateway, until, waitForJob, type TestGateway } from '../../test/support';
import { NAMESPACE, startFakeCluster, type FakeCluster } from '../../test/fixtures/kube/kube-cluster';
import { spawn } from 'node:child_process';
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
const sim = () => cluster.sim;
const logOf = (pod: { metadata: Record<string, any> }) => cluster.api.logs.get(`${NAMESPACE}/${pod.metadata.name}`) ?? '';

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
    'registry.test/oom:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, kill: { reason: 'OOMKilled', whenLog: /items to run/, jobFirst: true } },
    'registry.test/evicted:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, kill: { reason: 'Evicted', whenLog: /items to run/, times: 1 } },
    'registry.test/nodelost:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, kill: { reason: 'NodeLost', whenLog: /items to run/, times: 1 } },
    'registry.test/loading:1': { idle: 'loading 40 GB of weights…' },
    'registry.test/gated:1': { dir: GATED, cmd: ['python3', 'main.py'] },
    'registry.test/flaky-network:1': { dir: path.join(fixtureModelsDir, 'echo'), cmd: NODE_MODEL, loseResultResponses: 1 },
  });
  worker = await startWorker({ databaseUrl: gw.t.url, kubernetes: cluster.config({ startupSeconds: 1 }), log: (l) => workerLog.push(l) });
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
    expect(spec.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 3600, activeDeadlineSeconds: 1 + 60 });
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

  it('ends pod failure, ImagePullBackOff, OOMKilled and deadline exceeded as typed errors with the tail of the pod log', async () => {
    await kubeModel('k8s-crash', { image: 'registry.test/crash:1' });
    await kubeModel('k8s-missing', { image: 'registry.test/missing:1' });
    await kubeModel('k8s-oom', { image: 'registry.test/oom:1' }, { resources: { memoryMb: 300 } });
    await kubeModel('k8s-deadline', { image: 'registry.test/loading:1' }, { timeoutMs: 1000 });
    const [crash, missing, oom, deadline] = await Promise.all([
      submit('k8s-crash', ['CCO', 'CCCl', 'CCC']),
      submit('k8s-missing', ['CCO']),
      submit('k8s-oom', ['CCO', 'CCN']),
      submit('k8s-deadline', ['CCO']),
    ]);

    const crashed = await settled(crash.id);
    expect(crashed).toMatchObject({ status: 'succeeded', itemsDone: 1, itemsFailed: 2 });
    const crashRows = await results(crash.id);
    expect(crashRows[0]).toMatchObject({ status: 'succeeded', output: { smiles: 'CCO', length: 3 } });
    for (const r of crashRows.slice(1)) {
      expect(r).toMatchObject({ status: 'failed', errorCode: 'MODEL_CRASHED' });
      expect(r.error).toMatch(/the model exited before answering this item \(the pod exited with code 3\)/);
      expect(r.error).toMatch(/the pod's log ends with: [\s\S]*about to crash/);
    }

    expect(await settled(missing.id)).toMatchObject({ status: 'failed', itemsFailed: 1 });
    const [pull] = await results(missing.id);
    expect(pull.errorCode).toBe('MODEL_ERROR');
    expect(pull.error).toMatch(/the image registry\.test\/missing:1 cannot be run \((ErrImagePull|ImagePullBackOff)/);
    expect(pull.error).toMatch(/check the image name and tag/);

    expect(await settled(oom.id)).toMatchObject({ status: 'failed', itemsFailed: 2 });
    for (const r of await results(oom.id)) {
      expect(r.errorCode).toBe('MODEL_CRASHED');
      expect(r.error).toMatch(/ran out of memory \(OOMKilled\) at its limit of 300 MiB; raise resources\.memoryMb/);
      expect(r.error).toMatch(/the pod's log ends with: [\s\S]*2 items to run/);
    }

    expect(await settled(deadline.id)).toMatchObject({ status: 'failed', itemsFailed: 1 });
    const [late] = await results(deadline.id);
    expect(late.errorCode).toBe('MODEL_TIMEOUT');
    expect(late.error).toMatch(/ran past its deadline of 2 s \(activeDeadlineSeconds\)/);
    expect(late.error).toMatch(/the pod's log ends with: loading 40 GB of weights/);
    // Every failed Job was read and deleted.
    for (const j of [crash, missing, oom, deadline]) await until(() => jobsOfTask('model-gateway.io/job', j.id).length === 0, 'the failed Job is deleted');
  });

  it('retries a task whose pod was evicted or lost its node on a new pod', async () => {
    await kubeModel('k8s-evicted', { image: 'registry.test/evicted:1' });
    await kubeModel('k8s-nodelost', { image: 'registry.test/nodelost:1' });
    for (const slug of ['k8s-evicted', 'k8s-nodelost']) {
      const submitted = await submit(slug, ['CCO', 'CCN']);
      const job = await settled(submitted.id);
      expect(job).toMatchObject({ status: 'succeeded', itemsDone: 2, itemsFailed: 0 });
      const attempts = (await results(job.id)).map((r) => r.attempt);
      expect(Math.max(...attempts)).toBe(2);
      expect(workerLog.some((l) => l.includes(`(UNAVAILABLE)`) && /evicted|node was lost/.test(l))).toBe(true);
    }
  });

  it('resumes a dropped watch from its resourceVersion, and lists again after 410 Gone', async () => {
    const g = await gate('watch');
    await kubeModel('k8s-gated-watch', { image: 'registry.test/gated:1', env: { GATE: g.file } }, { timeoutMs: 120_000 });
    const submitted = await submit('k8s-gated-watch', ['CCO']);
    await until(() => podsOfJob(submitted.id).some((p) => p.status?.phase === 'Running' && /items to run/.test(logOf(p))), 'the pod runs');
    await until(() => cluster.api.openWatches('jobs') > 0 && cluster.api.openWatches('pods') > 0, 'both watches are open');

    const listsOf = (from: number) => cluster.api.requests.slice(from).filter((r) => r.method === 'GET' && r.query.watch === undefined && /\/(jobs|pods)$/.test(r.path));
    const watchesOf = (from: number) => cluster.api.requests.slice(from).filter((r) => r.query.watch === 'true');
    const dropped = cluster.api.requests.length;
    expect(cluster.api.dropWatches()).toBeGreaterThanOrEqual(2);
    await until(() => watchesOf(dropped).length >= 2 && cluster.api.openWatches() >= 2, 'the watches are back');
    // Resumed where they were: from a resourceVersion, with nothing listed again.
    expect(watchesOf(dropped).every((r) => Number(r.query.resourceVersion) > 100)).toBe(true);
    expect(listsOf(dropped)).toHaveLength(0);

    for (const goneAs of ['event', 'http'] as const) {
      cluster.api.goneAs = goneAs;
      const compacted = cluster.api.requests.length;
      cluster.api.compact();
      cluster.api.dropWatches();
      // The resume is refused with 410 Gone, so each watch lists again and watches from the list's resourceVersion.
      await until(() => listsOf(compacted).length >= 2 && cluster.api.openWatches() >= 2, `both watches list again after 410 Gone (${goneAs})`);
      // …and the new watches start from the list's resourceVersion, past the compaction.
      await until(() => watchesOf(compacted).filter((r) => Number(r.query.resourceVersion) >= cluster.api.compactedAt).length >= 2, 'watches resume past the compaction');
    }
    cluster.api.goneAs = 'event';
    expect(workerLog.some((l) => /is gone \(410\); listing again/.test(l))).toBe(true);

    await g.open();
    expect(await settled(submitted.id)).toMatchObject({ status: 'succeeded', itemsDone: 1 });
  });

  it('deletes the Job, its pod and its token when the job is cancelled', async () => {
    const g = await gate('cancel');
    await kubeModel('k8s-gated-cancel', { image: 'registry.test/gated:1', env: { GATE: g.file } }, { timeoutMs: 120_000 });
    const submitted = await submit('k8s-gated-cancel', ['CCO', 'CCN']);
    await until(() => podsOfJob(submitted.id).some((p) => p.status?.phase === 'Running' && /items to run/.test(logOf(p))), 'the pod runs');
    const [pod] = podsOfJob(submitted.id);
    const name = pod.metadata.ownerReferences[0].name;
    expect(sim().isRunning(pod.metadata.name)).toBe(true);

    await jobs.cancelJob(gw.deps, viewer, { jobId: submitted.id });
    await until(() => jobsOfTask('model-gateway.io/job', submitted.id).length === 0 && podsOfJob(submitted.id).length === 0, 'the Job and its pod are deleted');
    expect(cluster.api.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/jobs/${name}`) && r.query.propagationPolicy === 'Background')).toBe(true);
    await until(() => !sim().isRunning(pod.metadata.name), 'the runner process is stopped');
    const [task] = await gw.db.selectFrom('tasks').select('id').where('job_id', '=', submitted.id).execute();
    await until(async () => (await gw.db.selectFrom('task_tokens').selectAll().where('task_id', '=', task.id).execute()).length === 0, 'the token is revoked');
    await g.open();
    expect(await jobs.getJob(gw.deps, viewer, { jobId: submitted.id })).toMatchObject({ status: 'cancelled', itemsDone: 0 });
    expect(await results(submitted.id)).toHaveLength(0);
  });

  it('counts items once when a pod posts the same batch twice (its first response was lost)', async () => {
    await kubeModel('k8s-flaky', { image: 'registry.test/flaky-network:1' });
    const submitted = await submit('k8s-flaky', ['CCO', 'CCN', 'CCC']);
    const job = await settled(submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', itemsTotal: 3, itemsDone: 3, itemsFailed: 0, tasksDone: 1 });
    expect(await results(job.id)).toHaveLength(3);
    const [task] = await gw.db.selectFrom('tasks').select('id').where('job_id', '=', job.id).execute();
    const posts = cluster.taskRequests.filter((r) => r.method === 'POST' && r.path.includes(task.id));
    expect(posts.length).toBeGreaterThanOrEqual(2); // the lost one and its retry, both recorded by the gateway
    expect(posts.every((p) => p.status === 200)).toBe(true);
    const log = [...cluster.api.logs.entries()].find(([k]) => k.includes(task.id))![1];
    expect(log).toMatch(/POST results failed .*; retrying/);
  });

  it('reconciles the Jobs a killed worker left: deletes those of ended tasks, adopts the running one', async () => {
    await worker.stop(); // only the worker below may take the task
    const g = await gate('restart');
    await kubeModel('k8s-gated-restart', { image: 'registry.test/gated:1', env: { GATE: g.file } }, { timeoutMs: 120_000 });
    let out = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/workers/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        ...process.env,
        DATABASE_URL: gw.t.url,
        GATEWAY_K8S_ENABLED: '1',
        GATEWAY_K8S_KUBECONFIG: cluster.api.kubeconfigPath,
        GATEWAY_K8S_TASK_URL: cluster.taskUrl,
        GATEWAY_K8S_STARTUP_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const submitted = await submit('k8s-gated-restart', ['CCO', 'CCN']);
    await until(() => podsOfJob(submitted.id).some((p) => p.status?.phase === 'Running' && /items to run/.test(logOf(p))), `the pod runs (worker said: ${out})`);
    const running = podsOfJob(submitted.id)[0].metadata.ownerReferences[0].name;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // A finished Job of a task that has ended (its worker died before deleting it).
    const [closed] = await gw.db.selectFrom('tasks').select('id').where('status', '=', 'done').limit(1).execute();
    const labels = { 'app.kubernetes.io/managed-by': 'model-gateway', 'app.kubernetes.io/instance': 'model-gateway', 'model-gateway.io/task': closed.id };
    cluster.api.create('jobs', NAMESPACE, {
      metadata: { name: `mgw-${closed.id}-1`, labels },
      spec: { backoffLimit: 0, template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'model', image: 'registry.test/echo:1' }] } } },
    });
    await until(() => cluster.api.get('jobs', NAMESPACE, `mgw-${closed.id}-1`)?.status?.conditions?.some((c: any) => c.type === 'Failed') === true, 'the orphan has finished');

    const log: string[] = [];
    worker = await startWorker({ databaseUrl: gw.t.url, kubernetes: cluster.config({ startupSeconds: 1 }), log: (l) => log.push(l) });
    await until(() => log.some((l) => l.includes('reconciled')), 'the new worker has reconciled');
    expect(log.find((l) => l.includes('reconciled'))).toMatch(/1 of ended tasks deleted, 1 running ones left for their tasks to adopt/);
    await until(() => !cluster.api.get('jobs', NAMESPACE, `mgw-${closed.id}-1`), 'the finished orphan is deleted');
    expect(cluster.api.get('jobs', NAMESPACE, running)).toBeDefined();

    // The dead worker's task comes back from the queue (its heartbeat stopped) and attaches to the running Job.
    await until(() => log.some((l) => l.includes(`adopting its running Job ${running}`)), 'the task is adopted', 90_000);
    await g.open();
    expect(await settled(submitted.id)).toMatchObject({ status: 'succeeded', itemsDone: 2, itemsFailed: 0, tasksDone: 1 });
    expect(sim().starts.filter((n) => n.startsWith(running.replace(/-\d+$/, '')))).toEqual([running]);
  });

  it('measures a cold task through the fake cluster, beside a warm process model (printed, never asserted)', async () => {
    await kubeModel('k8s-measure', { image: 'registry.test/echo:1' });
    await registerFixtureModel(gw.db, 'echo'); // test-echo: the same program, as a warm process model
    const marks = new Map<string, Record<string, number>>();
    cluster.api.onChange((c) => {
      const job = c.obj.metadata.labels?.['model-gateway.io/job'];
      if (!job) return;
      const m = marks.get(job) ?? {};
      if (c.kind === 'jobs' && c.type === 'ADDED') m.jobCreated ??= performance.now();
      if (c.kind === 'pods' && c.obj.status?.phase === 'Running') m.podRunning ??= performance.now();
      marks.set(job, m);
    });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const rows: Record<string, number[]> = { submitToJob: [], jobToPodRunning: [], podRunningToFirstPost: [], submitToResult: [], submitToTaskClosed: [], processWarm: [] };
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      // A new molecule each time: a repeated one would be answered from the result cache, with no task.
      const smiles = `${'C'.repeat(i + 1)}O`;
      const submitted = await submit('k8s-measure', [smiles]);
      await waitForJob(gw.deps, viewer, submitted.id, 60_000, 5);
      const t1 = performance.now();
      await until(async () => (await jobs.getJob(gw.deps, viewer, { jobId: submitted.id })).tasksDone === 1, 'closed', 60_000, 5);
      const t2 = performance.now();
      const [task] = await gw.db.selectFrom('tasks').select('id').where('job_id', '=', submitted.id).execute();
      const m = marks.get(submitted.id)!;
      const post = cluster.taskRequests.find((r) => r.method === 'POST' && r.path.includes(task.id))!;
      const p0 = performance.now();
      const warm = await submit('test-echo', [smiles]);
      await waitForJob(gw.deps, viewer, warm.id, 60_000, 5);
      const p1 = performance.now();
      if (i === 0) continue; // the first of each warms the worker (and starts the process model)
      rows.submitToJob.push(m.jobCreated - t0);
      rows.jobToPodRunning.push(m.podRunning - m.jobCreated);
      rows.podRunningToFirstPost.push(post.at - m.podRunning);
      rows.submitToResult.push(t1 - t0);
      rows.submitToTaskClosed.push(t2 - t0);
      rows.processWarm.push(p1 - p0);
    }
    console.log(`cold kubernetes task vs warm process model, medians of 5 one-item jobs (ms):\n${Object.entries(rows).map(([k, v]) => `  ${k}: ${median(v).toFixed(0)} (${v.map((x) => x.toFixed(0)).join(', ')})`).join('\n')}`);
    expect(rows.submitToResult).toHaveLength(5);
  });

  it('runs a consensus whose member runs on a pod like any member', async () => {
    await versions.createModel(gw.deps, viewer, { slug: 'k8s-pair', name: 'k8s pair', task: 'test/consensus', description: '', tags: [] });
    const draft = await versions.createDraftVersion(gw.deps, viewer, {
      slug: 'k8s-pair',
      spec: {
        runtime: { kind: 'consensus', strategy: 'mean', quorum: 2, params: {}, outputField: 'value', members: [{ ref: 'k8s-echo', field: 'length' }, { ref: 'test-echo', field: 'length' }] },
        inputSchema: {},
        outputSchema: {},
        resources: {},
        batchSize: 10,
        timeoutMs: 20_000,
        example: { smiles: 'CCO' },
      },
    });
    const { result } = await runSmokeTest(gw.deps, viewer, { versionId: draft.id });
    expect(result, result.message ?? '').toMatchObject({ ok: true, output: { value: 3 } });
    await versions.publishVersion(gw.deps, viewer, { versionId: draft.id, aliases: [] });
    const submitted = await submit('k8s-pair', ['CCO', 'c1ccccc1']);
    const job = await waitForJob(gw.deps, viewer, submitted.id);
    expect(job).toMatchObject({ status: 'succeeded', itemsDone: 2 });
    expect((await results(job.id)).map((r) => r.output?.value)).toEqual([3, 8]);
  });
});

