/**
 * The prediction path measured in-process (no HTTP): warm single predictions (cache misses and
 * cache hits) against a bare pg-boss send → fetch → complete round trip, and a 10,000-molecule
 * screen submitted twice (the second answered from the result cache).
 * `benchPredictPath(databaseUrl)` runs against a migrated, seeded database (bench/run.ts calls it
 * with its own); `npx tsx bench/predict-path.ts` starts an embedded PostgreSQL of its own.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { createDb } from '../src/server/db/client';
import { startEmbeddedPostgres } from '../src/server/db/embedded';
import { JobWatcher } from '../src/server/jobs/job-watcher';
import { submitJob } from '../src/server/jobs/jobs.service';
import { predictOne } from '../src/server/jobs/predict.service';
import { TERMINAL_STATUSES } from '../src/server/jobs/jobs.types';
import { createBoss } from '../src/server/queue/boss';
import { prepareDatabase } from '../src/server/setup';
import { registerUser } from '../src/server/users/users.service';
import { startWorker } from '../src/workers/main';
import { benchMolecules, distinctMolecules } from './molecules';
import { ms, summarize } from './stats';

const root = path.resolve(import.meta.dirname, '..');

export interface PredictPathOptions {
  model?: string;
  calls?: number;
  screenSize?: number;
  log?: (line: string) => void;
}

/** A bare pg-boss round trip: send, a worker fetches and completes, the sender learns of it. */
async function bareRoundTrip(url: string, n: number): Promise<number[]> {
  const boss = new PgBoss({ connectionString: url, useListenNotify: true, schedule: false, supervise: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue('bench.roundtrip', { notify: true }).catch(() => {});
  const waiting = new Map<string, () => void>();
  await boss.work('bench.roundtrip', { batchSize: 1, notifyPollingIntervalSeconds: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const j of jobs) waiting.get((j.data as { k: string }).k)?.();
  });
  const latencies: number[] = [];
  for (let i = 0; i < n + 10; i++) {
    const k = String(i);
    const t = performance.now();
    const done = new Promise<void>((r) => waiting.set(k, r));
    await boss.send('bench.roundtrip', { k });
    await done;
    if (i >= 10) latencies.push(performance.now() - t);
  }
  await boss.stop({ graceful: false, close: true });
  return latencies;
}

/**
 * Counts statements sent on every pg connection of this process (the web's, the worker's and
 * pg-boss's alike), and the pg-boss fetches of `task.run` among them.
 */
function countStatements() {
  const counts = { statements: 0, fetches: 0 };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counts.statements++;
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (text?.includes("j.name = 'task.run'") && text.includes('SKIP LOCKED')) counts.fetches++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return { counts, restore: () => void (pg.Client.prototype.query = query) };
}

export async function benchPredictPath(databaseUrl: string, o: PredictPathOptions = {}) {
  const log = o.log ?? ((l: string) => console.log(`[bench:predict-path] ${l}`));
  const model = o.model ?? process.env.BENCH_MODEL ?? 'rdkit-descriptors';
  const calls = o.calls ?? 200;
  const screenSize = o.screenSize ?? 10_000;
  const { db, pool } = createDb(databaseUrl, 4);
  const boss = await createBoss({ connectionString: databaseUrl, role: 'web' }).start();
  const watcher = new JobWatcher(databaseUrl);
  const worker = await startWorker({ databaseUrl, log: () => {} });
  const deps = { db, boss, watcher };
  const counter = countStatements();
  try {
    const viewer = await registerUser({ db }, null, { email: `bench-path-${Date.now()}@example.test`, password: 'benchmark-password' });
    // Molecules no other part of a bench run has seen, so a miss is a miss: the cache is keyed by
    // version and molecule, not by user.
    const molecules = [...benchMolecules(root, 20), ...distinctMolecules(calls + screenSize, 1)];
    const modelMs: number[] = [];
    // Per prediction; the worker's loops also poll once a second, so the medians are the figures.
    const trips = { miss: [] as number[], hit: [] as number[], missFetches: [] as number[], hitFetches: [] as number[] };
    const predict = async (smiles: string, kind?: 'miss' | 'hit') => {
      const [statements, fetches] = [counter.counts.statements, counter.counts.fetches];
      const t = performance.now();
      const p = await predictOne(deps, viewer, { model, input: { smiles } });
      const took = performance.now() - t;
      if (p.error) throw new Error(`prediction failed: ${p.error.message}`);
      if (!p.cachedFrom && p.durationMs !== null) modelMs.push(p.durationMs);
      if (kind) {
        trips[kind].push(counter.counts.statements - statements);
        trips[`${kind}Fetches`].push(counter.counts.fetches - fetches);
      }
      return took;
    };
    log(`warming ${model}`);
    for (let i = 0; i < 10; i++) await predict(molecules[i]);
    log(`${calls} single predictions, each a cache miss`);
    const missLat: number[] = [];
    const seen: string[] = [];
    for (let i = 0; i < calls; i++) {
      const s = molecules[20 + i];
      seen.push(s);
      missLat.push(await predict(s, 'miss'));
    }
    log(`${calls} single predictions of the same molecules again (cache hits when the cache is on)`);
    const hitLat: number[] = [];
    for (const s of seen) hitLat.push(await predict(s, 'hit'));
    counter.restore();
    log(`${calls} bare pg-boss round trips`);
    const bare = summarize(await bareRoundTrip(databaseUrl, calls));
    const miss = summarize(missLat);
    const model1 = summarize(modelMs);
    const hit = summarize(hitLat);

    const screen = async (label: string) => {
      const t = performance.now();
      const job = await submitJob(deps, viewer, { model, inputs: molecules.slice(20 + calls, 20 + calls + screenSize).map((smiles) => ({ smiles })), label });
      for (;;) {
        const row = await db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow();
        if (TERMINAL_STATUSES.includes(row.status)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return performance.now() - t;
    };
    log(`a ${screenSize}-molecule screen, then the same screen again`);
    const first = await screen('first screen');
    const again = await screen('re-screen');
    const executed = await sql<{ n: number }>`select count(*)::int as n from results where executor is distinct from 'cache'`.execute(db);

    const out = {
      model,
      single: { miss, hit, bareRoundTrip: bare, modelMs: model1, missOverBare: miss.p50 / bare.p50, missP99OverBare: miss.p99 / bare.p50 },
      roundTrips: {
        miss: summarize(trips.miss).p50,
        hit: summarize(trips.hit).p50,
        missTaskFetches: summarize(trips.missFetches).p50,
        hitTaskFetches: summarize(trips.hitFetches).p50,
      },
      screen: { size: screenSize, firstMs: first, againMs: again, ratio: again / first },
      resultsRunByAModel: executed.rows[0].n,
    };
    console.table({
      'predict, cache miss': { p50: ms(miss.p50), p99: ms(miss.p99), mean: ms(miss.mean) },
      'predict, cache hit': { p50: ms(hit.p50), p99: ms(hit.p99), mean: ms(hit.mean) },
      'bare pg-boss round trip': { p50: ms(bare.p50), p99: ms(bare.p99), mean: ms(bare.mean) },
      'the model itself (duration_ms)': { p50: ms(model1.p50), p99: ms(model1.p99), mean: ms(model1.mean) },
    });
    log(`round trips per prediction (median): miss ${out.roundTrips.miss} (${out.roundTrips.missTaskFetches} task.run fetches), hit ${out.roundTrips.hit} (${out.roundTrips.hitTaskFetches})`);
    log(`miss p50 / bare p50 = ${out.single.missOverBare.toFixed(2)}; ${screenSize}-molecule screen ${ms(first)}, re-screen ${ms(again)} (ratio ${out.screen.ratio.toFixed(3)})`);
    return out;
  } finally {
    counter.restore();
    await worker.stop();
    await watcher.close();
    await boss.stop({ graceful: false, close: true });
    await db.destroy().catch(() => {});
    await pool.end().catch(() => {});
  }
}

async function main() {
  process.env.GATEWAY_SECRET_KEY ??= randomBytes(32).toString('base64');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mgw-bench-path-'));
  await fs.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), ephemeral: true });
  try {
    const url = pg.url('postgres');
    await prepareDatabase(url, () => {});
    const out = await benchPredictPath(url, { calls: Number(process.env.BENCH_WARM_CALLS ?? 200), screenSize: Number(process.env.BENCH_JOB_SIZE ?? 10_000) });
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await pg.stop().catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
