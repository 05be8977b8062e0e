/**
 * `npm run bench`: the gateway measured side by side with what it wraps, in one run.
 *  1. one molecule, warm: SDK predict (submit → result) vs the same model process called directly
 *     vs a bare pg-boss send → handler round trip; then the same while a hanging model holds
 *     worker slots; then warm predict through the process executor, sandboxed against unsandboxed
 *  2. a 10,000-molecule job through the gateway vs the same model program fed the same molecules
 *  1s. the same predictions while a large screen runs (fair share: predictions go first)
 *  3. BENCH_SUBMISSIONS concurrent one-molecule submissions from SDK clients: the accepted share,
 *     accept throughput ÷ PostgreSQL's durable single-row insert rate at 16 clients and ÷ the
 *     server's trivial authenticated call (both measured in this run), accept latency, submit →
 *     finished latency, and the worker's task dispatch ÷ raw pg-boss fetch + complete
 *  4. (predict-path) in process: single predictions that miss and that hit the result cache
 *     against a bare pg-boss round trip, and a 10,000-molecule screen then the same again
 *  5. (file) a BENCH_FILE_ROWS-molecule (1,000,000) SMILES file uploaded and run, then again
 *     (the cache), against the model fed directly with as many processes; peak web/worker memory
 * Parts 1–3 run with the model's result cache off (their molecules repeat); 4 and 5 with it on.
 * Starts its own embedded PostgreSQL, web server and worker; prints a table; writes
 * bench/results/latest.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { PgBoss } from 'pg-boss';
import { Agent, setGlobalDispatcher } from 'undici';
import { startModelProcess, readManifest } from '../models/_lib/test-harness';
import { createGatewayClient } from '../clients/typescript/src';
import { packModelFolder } from '../src/server/bundles/model-folder';
import { bundleStore } from '../src/server/bundles/bundles.service';
import { createDb, type Db } from '../src/server/db/client';
import { resolveModelRef } from '../src/server/models/models.service';
import { BundleCache } from '../src/workers/bundles/bundle-cache';
import { bundleCacheDir } from '../src/workers/executors/registry';
import { ProcessExecutor } from '../src/workers/executors/process-executor';
import { Launcher } from '../src/workers/sandbox/launcher';
import { sandboxConfig } from '../src/workers/sandbox/sandbox-config';
import { freePort, startEmbeddedPostgres } from '../src/server/db/embedded';
import { createApiToken, registerUser } from '../src/server/users/users.service';
import { SYSTEM_VIEWER } from '../src/server/users/viewer';
import { callRate, durableInsertRate, rawDispatchRate } from './baselines';
import { benchMolecules } from './molecules';
import { ms, summarize } from './stats';

const root = path.resolve(import.meta.dirname, '..');
const MODEL = process.env.BENCH_MODEL ?? 'rdkit-descriptors';
const WARM_CALLS = Number(process.env.BENCH_WARM_CALLS ?? 300);
const BIG_JOB = Number(process.env.BENCH_JOB_SIZE ?? 10_000);
const CONCURRENT = Number(process.env.BENCH_SUBMISSIONS ?? process.env.BENCH_CONCURRENT ?? 10_000);
/** The screen that runs while 1s's predictions are timed. */
const SCREEN = Number(process.env.BENCH_SCREEN_SIZE ?? 50_000);
/** The file screen's molecules (part 5). */
const FILE_ROWS = Number(process.env.BENCH_FILE_ROWS ?? 1_000_000);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const log = (line: string) => console.log(`[bench] ${line}`);
// Which parts run (all by default): 1, 1s, 1b, sandbox, 2, 3, predict-path, file; e.g. BENCH_PARTS=sandbox for the sandbox's line alone.
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,1s,1b,sandbox,2,3,predict-path,file').split(',').map((p) => p.trim()));

/**
 * The parts that compare the gateway with the model itself run with the model's result cache off
 * (the bench's molecules repeat, and a repeated molecule must run); the cache parts turn it on.
 */
async function setCache(db: Db, enabled: boolean): Promise<void> {
  await sql`update model_versions set cache_enabled = ${enabled} where model_id in (select id from models where slug = ${MODEL})`.execute(db);
}

/**
 * Warm single-molecule predictions through the worker's own process executor, the same built-in
 * version twice in one run: sandboxed (bubblewrap, as every model runs) and unsandboxed (what
 * GATEWAY_SANDBOX=off allows for trusted models). Calls alternate between the two, so drift in
 * the machine's load falls on both alike; queue and HTTP are left out, so the difference is the
 * sandbox's own.
 */
async function sandboxedVsUnsandboxed(db: Db, smiles: string[]) {
  const version = await resolveModelRef(db, SYSTEM_VIEWER, MODEL);
  const store = bundleStore(db);
  const bundles = new BundleCache({ dir: bundleCacheDir(root), fetch: (d) => store.get(d) });
  const executor = (mode: 'on' | 'off') =>
    new ProcessExecutor({ root, poolSize: 1, launcher: new Launcher({ root, db, bundles, config: sandboxConfig(root, { ...process.env, GATEWAY_SANDBOX: mode }), log }) });
  const on = executor('on');
  const off = executor('off');
  const call = async (e: ProcessExecutor, s: string, i: number) => {
    const t = performance.now();
    const [o] = await e.run(version, [{ index: i, input: { smiles: s } }]);
    if (!o || !('output' in o)) throw new Error(`the ${e === on ? 'sandboxed' : 'unsandboxed'} executor failed: ${JSON.stringify(o)}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 10; i++) await Promise.all([call(on, smiles[i]!, i), call(off, smiles[i]!, i)]); // warm both pools
  const sandboxed: number[] = [];
  const unsandboxed: number[] = [];
  for (let i = 0; i < smiles.length; i++) {
    sandboxed.push(await call(on, smiles[i]!, i));
    unsandboxed.push(await call(off, smiles[i]!, i));
  }
  await Promise.all([on.close(), off.close()]);
  return { sandboxed: summarize(sandboxed), unsandboxed: summarize(unsandboxed) };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('the gateway exited during start-up');
    const ok = await fetch(`${url}/api/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the gateway did not become healthy');
}

async function direct(manifestDir: string, smiles: string[], sequential: boolean) {
  const manifest = readManifest(manifestDir);
  const model = startModelProcess(manifestDir, manifest.runtime.command);
  model.send('warm', { smiles: 'CCO' });
  await model.next('warm');
  const latencies: number[] = [];
  const t0 = performance.now();
  if (sequential) {
    for (let i = 0; i < smiles.length; i++) {
      const s = performance.now();
      model.send(i, { smiles: smiles[i] });
      await model.next(i);
      latencies.push(performance.now() - s);
    }
  } else {
    smiles.forEach((s, i) => model.send(i, { smiles: s }));
    for (let i = 0; i < smiles.length; i++) await model.next(i);
  }
  const wall = performance.now() - t0;
  await model.close();
  return { wall, latencies };
}

async function rawPgBoss(url: string, n: number) {
  const boss = new PgBoss({ connectionString: url, useListenNotify: true, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue('bench.raw', { notify: true });
  const waiting = new Map<string, () => void>();
  await boss.work('bench.raw', { batchSize: 4, burstWhenBatchFull: true, notifyPollingIntervalSeconds: 2, pollingIntervalSeconds: 2 }, async (jobs) => {
    for (const j of jobs) waiting.get((j.data as { k: string }).k)?.();
  });
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = String(i);
    const s = performance.now();
    const done = new Promise<void>((r) => waiting.set(k, r));
    await boss.send('bench.raw', { k });
    await done;
    latencies.push(performance.now() - s);
  }
  await boss.stop({ graceful: false, close: true });
  return latencies;
}

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  setGlobalDispatcher(new Agent({ connections: SOCKETS, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 600_000, bodyTimeout: 600_000 }));
  // One key for the gateway it starts and the worker part 4 runs in this process.
  process.env.GATEWAY_SECRET_KEY ??= randomBytes(32).toString('base64');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mgw-bench-'));
  await fs.chmod(dir, 0o755);
  log(`embedded PostgreSQL in ${dir}`);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg') });
  const databaseUrl = pg.url('postgres');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The lean API server beside Next (src/server/api/lean-server.ts): part 3 submits through it unless BENCH_SUBMIT_VIA=next.
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const app = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dir,
      PORT: String(port),
      HOST: '127.0.0.1',
      GATEWAY_API_PORT: String(apiPort),
      // The bench measures what the server can take; the per-token request rate (50/s by default) is a policy, not a capacity.
      GATEWAY_TOKEN_RATE: process.env.GATEWAY_TOKEN_RATE ?? '1000000',
      GATEWAY_TOKEN_BURST: process.env.GATEWAY_TOKEN_BURST ?? '1000000',
    },
  });
  app.stdout!.on('data', (d: Buffer) => process.env.BENCH_VERBOSE && process.stdout.write(d));
  const results: Record<string, unknown> = { date: new Date().toISOString(), cpus: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), model: MODEL };
  try {
    await waitForHealth(url, app);
    await waitForHealth(apiUrl, app);
    const { db } = createDb(databaseUrl, 2);
    const user = await registerUser({ db }, null, { email: `bench-${Date.now()}@example.test`, password: 'benchmark-password' });
    const { token } = await createApiToken({ db }, user, { name: 'bench' });
    await setCache(db, false);
    const client = createGatewayClient({ url, token });
    const molecules = benchMolecules(root, Math.max(BIG_JOB, WARM_CALLS, PARTS.has('1s') ? SCREEN : 0));

    // 1. One molecule, warm.
    if (PARTS.has('1')) {
      log(`1) ${WARM_CALLS} sequential single-molecule predictions (${MODEL})`);
      for (let i = 0; i < 10; i++) await client.models.predict(MODEL, { smiles: molecules[i] }); // warm the pool
      const gatewayLat: number[] = [];
      for (let i = 0; i < WARM_CALLS; i++) {
        const s = performance.now();
        const p = await client.models.predict(MODEL, { smiles: molecules[i] });
        gatewayLat.push(performance.now() - s);
        if (p.error) throw new Error(`prediction failed: ${p.error.message}`);
      }
      const directOne = await direct(path.join(root, 'models', MODEL), molecules.slice(0, WARM_CALLS), true);
      const rawLat = await rawPgBoss(databaseUrl, WARM_CALLS);
      const g1 = summarize(gatewayLat), d1 = summarize(directOne.latencies), r1 = summarize(rawLat);
      results.single = { gateway: g1, direct: d1, rawPgBoss: r1 };
      console.table({
        'gateway SDK predict': { p50: ms(g1.p50), p99: ms(g1.p99), mean: ms(g1.mean) },
        'model process, direct': { p50: ms(d1.p50), p99: ms(d1.p99), mean: ms(d1.mean) },
        'bare pg-boss send→handler': { p50: ms(r1.p50), p99: ms(r1.p99), mean: ms(r1.mean) },
      });
    }

    // 1s. The same predictions while a large screen keeps every worker loop busy (priorities).
    if (PARTS.has('1s')) {
      log(`1s) ${WARM_CALLS} sequential predictions while a ${SCREEN}-molecule screen runs`);
      const screen = await client.jobs.submit({ model: MODEL, inputs: molecules.slice(0, SCREEN).map((smiles) => ({ smiles })), label: 'screen under predictions' });
      await until(async () => (await client.jobs.get(screen.id)).status === 'running', 'the screen runs', 600_000);
      const busy: number[] = [];
      for (let i = 0; i < WARM_CALLS; i++) {
        const s = performance.now();
        const p = await client.models.predict(MODEL, { smiles: molecules[(i + 7) % molecules.length] });
        busy.push(performance.now() - s);
        if (p.error) throw new Error(`prediction failed during the screen: ${p.error.message}`);
      }
      const during = await client.jobs.get(screen.id);
      await client.jobs.cancel(screen.id).catch(() => {});
      const b = summarize(busy);
      const idle = (results.single as { gateway?: ReturnType<typeof summarize>; rawPgBoss?: ReturnType<typeof summarize> } | undefined) ?? {};
      const raw = idle.rawPgBoss;
      results.singleWhileScreening = {
        gateway: b,
        screen: { items: SCREEN, stillRunning: during.status === 'running', itemsDoneWhenLastPredictionAnswered: during.itemsDone },
        ...(raw ? { p50OverRawPgBoss: b.p50 / raw.p50, p99OverRawPgBoss: b.p99 / raw.p99 } : {}),
        ...(idle.gateway && raw ? { idleP50OverRawPgBoss: idle.gateway.p50 / raw.p50, idleP99OverRawPgBoss: idle.gateway.p99 / raw.p99 } : {}),
      };
      console.table({
        ...(idle.gateway ? { 'SDK predict, idle': { p50: ms(idle.gateway.p50), p99: ms(idle.gateway.p99), 'p50 ÷ bare pg-boss': raw ? (idle.gateway.p50 / raw.p50).toFixed(1) : '-', 'p99 ÷ bare pg-boss': raw ? (idle.gateway.p99 / raw.p99).toFixed(1) : '-' } } : {}),
        'SDK predict, while a screen runs': { p50: ms(b.p50), p99: ms(b.p99), 'p50 ÷ bare pg-boss': raw ? (b.p50 / raw.p50).toFixed(1) : '-', 'p99 ÷ bare pg-boss': raw ? (b.p99 / raw.p99).toFixed(1) : '-' },
      });
      log(`the screen was ${during.status} with ${during.itemsDone}/${SCREEN} items done when the last prediction answered`);
    }

    // 1b. The same predictions while a hanging model holds worker slots (isolation between versions).
    if (PARTS.has('1b')) {
      log(`1b) ${WARM_CALLS} sequential predictions while a hanging model occupies the worker`);
      // The fixture with the shared models/_lib it imports, uploaded as a bundle as a user would.
      const hangDir = path.join(root, 'test/fixtures/models/hang');
      const packed = await packModelFolder(hangDir);
      const uploaded = await client.uploadBundle(packed.bytes);
      const hangManifest = JSON.parse(await fs.readFile(path.join(hangDir, 'model.json'), 'utf8'));
      hangManifest.runtime = { ...hangManifest.runtime, bundle: uploaded.digest, cwd: packed.cwd };
      const hang = await client.registerFromManifest(hangManifest, { aliases: [] });
      if (hang.outcome === 'draft') throw new Error(`the hang fixture did not register: ${JSON.stringify(hang.smokeTest)}`);
      const hung = await client.jobs.submit({ model: 'test-hang', inputs: Array.from({ length: 40 }, (_, i) => ({ smiles: `N${'C'.repeat(i)}` })), label: 'hanging' });
      await until(async () => (await client.jobs.get(hung.id)).status === 'running', 'the hanging job runs');
      const busyLat: number[] = [];
      for (let i = 0; i < WARM_CALLS; i++) {
        const s = performance.now();
        const p = await client.models.predict(MODEL, { smiles: molecules[i] });
        busyLat.push(performance.now() - s);
        if (p.error) throw new Error(`prediction failed during the hang: ${p.error.message}`);
      }
      const stillHanging = (await client.jobs.get(hung.id)).status === 'running';
      await client.jobs.cancel(hung.id).catch(() => {});
      const b1 = summarize(busyLat);
      results.singleWhileHanging = { gateway: b1, hangingJobStillRunning: stillHanging };
      const idle = results.single as { gateway?: ReturnType<typeof summarize> } | undefined;
      console.table({
        ...(idle?.gateway ? { 'SDK predict, idle worker': { p50: ms(idle.gateway.p50), p99: ms(idle.gateway.p99), mean: ms(idle.gateway.mean) } } : {}),
        'SDK predict, a hanging model holding slots': { p50: ms(b1.p50), p99: ms(b1.p99), mean: ms(b1.mean) },
      });
      log(`the hanging job was ${stillHanging ? 'still running' : 'no longer running'} when the last prediction answered`);
    }

    // 1c. The sandbox's own cost on the warm path.
    if (PARTS.has('sandbox')) {
      log(`1c) ${WARM_CALLS} warm predictions each, sandboxed and unsandboxed (${MODEL}, the process executor called directly, calls alternating)`);
      const sb = await sandboxedVsUnsandboxed(db, molecules.slice(0, WARM_CALLS));
      results.sandbox = { how: 'ProcessExecutor.run on one warm process, the same built-in version, GATEWAY_SANDBOX on vs off, calls alternating', ...sb };
      console.table({
        'process executor, sandboxed (bubblewrap)': { p50: ms(sb.sandboxed.p50), p99: ms(sb.sandboxed.p99), mean: ms(sb.sandboxed.mean) },
        'process executor, unsandboxed (GATEWAY_SANDBOX=off)': { p50: ms(sb.unsandboxed.p50), p99: ms(sb.unsandboxed.p99), mean: ms(sb.unsandboxed.mean) },
      });
    }

    // 2. A big job vs the same program fed directly.
    if (PARTS.has('2')) {
      log(`2) a ${BIG_JOB}-molecule job through the gateway vs the model program fed directly`);
      const inputs = molecules.slice(0, BIG_JOB).map((smiles) => ({ smiles }));
      const t0 = performance.now();
      const job = await client.jobs.submit({ model: MODEL, inputs, label: 'bench' });
      const accepted = performance.now() - t0;
      const finished = await client.jobs.wait(job.id, { timeoutMs: 30 * 60_000, intervalMs: 250 });
      const gatewayWall = performance.now() - t0;
      const directBig = await direct(path.join(root, 'models', MODEL), molecules.slice(0, BIG_JOB), false);
      results.bigJob = {
        items: BIG_JOB,
        gatewayWallMs: gatewayWall,
        gatewayAcceptMs: accepted,
        directWallMs: directBig.wall,
        ratio: gatewayWall / directBig.wall,
        done: finished.itemsDone,
        failed: finished.itemsFailed,
      };
      console.table({
        gateway: { wall: ms(gatewayWall), 'submit accepted': ms(accepted), done: finished.itemsDone, failed: finished.itemsFailed },
        'direct (1 process)': { wall: ms(directBig.wall), 'submit accepted': '-', done: BIG_JOB, failed: 0 },
      });
      log(`ratio gateway/direct: ${(gatewayWall / directBig.wall).toFixed(2)}×`);
    }

    // 3. Many concurrent submissions, each from its own SDK client.
    if (PARTS.has('3')) {
      log('3) baselines: PostgreSQL durable single-row inserts (16 clients), the trivial authenticated call (SDK me())');
      const pgInsertRate = await durableInsertRate(databaseUrl, 16);
      const trivialAt = async (at: string) => {
        const cs = Array.from({ length: 64 }, () => createGatewayClient({ url: at, token }));
        let k = 0;
        await callRate(() => cs[k++ % cs.length].me(), 64, 1000); // warm
        return callRate(() => cs[k++ % cs.length].me(), 256, 3000);
      };
      const trivialNext = await trivialAt(url);
      const trivialLean = await trivialAt(apiUrl);
      const via = process.env.BENCH_SUBMIT_VIA === 'next' ? 'next' : 'lean';
      const submitUrl = via === 'next' ? url : apiUrl;
      const trivialRate = via === 'next' ? trivialNext : trivialLean;
      log(`3) ${CONCURRENT} concurrent job submissions from SDK clients (over at most ${SOCKETS} sockets), through ${via === 'next' ? 'Next' : 'the lean API server'}`);
      const acceptLat: number[] = [];
      const errors = new Map<string, number>();
      const ids: string[] = [];
      const tc = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENT }, async (_, i) => {
          const c = createGatewayClient({ url: submitUrl, token });
          const s = performance.now();
          try {
            const j = await c.jobs.submit({ model: MODEL, inputs: [{ smiles: molecules[i % molecules.length] }], label: 'concurrent' });
            acceptLat.push(performance.now() - s);
            ids.push(j.id);
          } catch (e) {
            const key = (e as { code?: string }).code ?? (e as Error).message.slice(0, 80);
            errors.set(key, (errors.get(key) ?? 0) + 1);
          }
        }),
      );
      const submitWall = performance.now() - tc;
      const submitEnd = (await sql<{ t: Date }>`select clock_timestamp() as t`.execute(db)).rows[0].t;
      // Wait for all of them to be settled by the worker, then read the queue-inclusive latency.
      const deadline = Date.now() + 30 * 60_000;
      let open = Infinity;
      while (open > 0 && Date.now() < deadline) {
        const r = await sql<{ n: number }>`select count(*)::int as n from jobs where label = 'concurrent' and status in ('queued','running')`.execute(db);
        open = r.rows[0].n;
        if (open > 0) await new Promise((r) => setTimeout(r, 1000));
      }
      const lat = await sql<{ mean: number; p50: number; p99: number; span: number }>`
      select avg(extract(epoch from finished_at - created_at) * 1000) as mean,
             percentile_cont(0.5) within group (order by extract(epoch from finished_at - created_at) * 1000) as p50,
             percentile_cont(0.99) within group (order by extract(epoch from finished_at - created_at) * 1000) as p99,
             extract(epoch from max(finished_at) - min(created_at)) * 1000 as span
      from jobs where label = 'concurrent' and status = 'succeeded'`.execute(db);
      // The worker's own pace: tasks finished after the last submission was accepted (the backlog draining).
      const drain = await sql<{ n: number; secs: number }>`
      select count(*)::int as n, extract(epoch from max(t.finished_at) - ${submitEnd}::timestamptz) as secs
      from tasks t join jobs j on j.id = t.job_id where j.label = 'concurrent' and t.finished_at > ${submitEnd}::timestamptz`.execute(db);
      const gatewayDispatch = drain.rows[0].n >= 100 ? drain.rows[0].n / Number(drain.rows[0].secs) : NaN;
      // And its pace while the submissions were still arriving (the same user's counters in use).
      const during = await sql<{ n: number }>`
      select count(*)::int as n from tasks t join jobs j on j.id = t.job_id
      where j.label = 'concurrent' and t.finished_at <= ${submitEnd}::timestamptz`.execute(db);
      const whileAccepting = during.rows[0].n / (submitWall / 1000);
      const rawDispatch = await rawDispatchRate(databaseUrl, Math.min(CONCURRENT, 20_000));
      const a = summarize(acceptLat);
      const q = lat.rows[0];
      const acceptRate = acceptLat.length / (submitWall / 1000);
      results.concurrent = {
        clients: CONCURRENT,
        accepted: acceptLat.length,
        failed: CONCURRENT - acceptLat.length,
        errors: Object.fromEntries(errors),
        submitWallMs: submitWall,
        accept: a,
        submitToFinished: { mean: Number(q.mean), p50: Number(q.p50), p99: Number(q.p99) },
        allSettledMs: Number(q.span),
        acceptedShare: acceptLat.length / CONCURRENT,
        acceptPerSecond: acceptRate,
        pgDurableInsertsPerSecond16: pgInsertRate,
        acceptOverPgInserts: acceptRate / pgInsertRate,
        submittedVia: via,
        trivialCallsPerSecond: trivialRate,
        trivialCallsPerSecondNext: trivialNext,
        trivialCallsPerSecondLean: trivialLean,
        acceptOverTrivialCall: acceptRate / trivialRate,
        gatewayDispatchTasksPerSecond: gatewayDispatch,
        tasksFinishedPerSecondWhileAccepting: whileAccepting,
        rawPgBossDispatchPerSecond: rawDispatch,
        dispatchOverRawPgBoss: gatewayDispatch / rawDispatch,
      };
      console.table({
        'accept (HTTP round trip)': { accepted: acceptLat.length, failed: CONCURRENT - acceptLat.length, p50: ms(a.p50), p99: ms(a.p99), mean: ms(a.mean) },
        'submit → finished (incl. queue)': { accepted: '', failed: '', p50: ms(Number(q.p50)), p99: ms(Number(q.p99)), mean: ms(Number(q.mean)) },
      });
      console.table({
        'accepted share': { value: `${((100 * acceptLat.length) / CONCURRENT).toFixed(2)} %`, ratio: '' },
        'accept throughput': { value: `${acceptRate.toFixed(0)}/s`, ratio: '' },
        'PostgreSQL durable 1-row inserts, 16 clients': { value: `${pgInsertRate.toFixed(0)}/s`, ratio: (acceptRate / pgInsertRate).toFixed(3) },
        'trivial authenticated call (me), Next': { value: `${trivialNext.toFixed(0)}/s`, ratio: via === 'next' ? (acceptRate / trivialNext).toFixed(3) : '' },
        'trivial authenticated call (me), lean API server': { value: `${trivialLean.toFixed(0)}/s`, ratio: via === 'lean' ? (acceptRate / trivialLean).toFixed(3) : '' },
        'tasks finished while submissions arrive': { value: `${whileAccepting.toFixed(0)}/s`, ratio: '' },
        'gateway task dispatch (backlog drain)': { value: `${gatewayDispatch.toFixed(0)}/s`, ratio: '' },
        'raw pg-boss fetch + complete': { value: `${rawDispatch.toFixed(0)}/s`, ratio: (gatewayDispatch / rawDispatch).toFixed(3) },
      });
      if (errors.size) log(`errors: ${JSON.stringify(Object.fromEntries(errors))}`);
      log(`all ${CONCURRENT} submissions accepted in ${ms(submitWall)}; the last finished ${ms(Number(q.span))} after the first was created`);
    }
    // The cache parts: the model's versions answer from the result cache again.
    await setCache(db, true);
    if (PARTS.has('predict-path')) {
      log('4) the prediction path in process: cache misses and hits against a bare pg-boss round trip, a screen and the same screen again');
      // A database of its own, so the app's worker (whose statements this process cannot count)
      // takes none of its tasks: its in-process worker is the only one.
      const { benchPredictPath } = await import('./predict-path');
      const { prepareDatabase } = await import('../src/server/setup');
      await sql`create database bench_predict_path`.execute(db);
      const ownUrl = pg.url('bench_predict_path');
      await prepareDatabase(ownUrl, () => {});
      results.predictPath = await benchPredictPath(ownUrl, { model: MODEL, log });
    }
    if (PARTS.has('file')) {
      log(`5) a ${FILE_ROWS}-molecule file screen, then the same file again, against the model fed directly`);
      const { benchFileScreen } = await import('./file-screen');
      const processes = Number(process.env.MODEL_POOL_SIZE ?? 2);
      const f = await benchFileScreen({
        url,
        token,
        model: MODEL,
        rows: FILE_ROWS,
        appPid: app.pid!,
        processes,
        log,
        jobStatus: (id) => client.jobs.get(id),
        direct: async (smiles, n) => {
          const t = performance.now();
          const parts = Array.from({ length: n }, (_, k) => smiles.filter((_, i) => i % n === k));
          await Promise.all(parts.map((part) => direct(path.join(root, 'models', MODEL), part, false)));
          return performance.now() - t;
        },
      });
      results.fileScreen = f;
      console.table({
        'gateway: upload → job finished': { wall: ms(f.first.wallMs), accept: ms(f.first.acceptMs), submit: ms(f.first.submitMs), done: f.first.done, failed: f.first.failed },
        'gateway: the same file again (cache)': { wall: ms(f.again.wallMs), accept: ms(f.again.acceptMs), submit: ms(f.again.submitMs), done: f.again.done, failed: f.again.failed },
        [`direct (${processes} processes)`]: { wall: ms(f.directMs), accept: '-', submit: '-', done: FILE_ROWS, failed: 0 },
      });
      log(`gateway/direct ${f.gatewayOverDirect.toFixed(2)}×; again/first ${f.againOverFirst.toFixed(3)}; peak RSS web ${f.memoryMiB.peak.webMiB} MiB, worker ${f.memoryMiB.peak.workerMiB} MiB (before: ${f.memoryMiB.before.webMiB}, ${f.memoryMiB.before.workerMiB})`);
    }
    await db.destroy();
  } finally {
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
    await pg.stop().catch(() => {});
    await fs.mkdir(path.join(root, 'bench/results'), { recursive: true });
    await fs.writeFile(path.join(root, 'bench/results/latest.json'), JSON.stringify(results, null, 2));
    await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error('[bench] failed:', e);
    process.exit(1);
  },
);
