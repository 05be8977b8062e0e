/**
 * What the gateway's figures are divided by, measured in the same run on the same machine: the
 * database's durable single-row insert rate, raw pg-boss dispatch, and the server's trivial call.
 */
import pg from 'pg';
import { PgBoss } from 'pg-boss';

/** Rows a second that `clients` connections insert one at a time, each its own durable commit. */
export async function durableInsertRate(url: string, clients = 16, ms = 3000): Promise<number> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query('create table if not exists bench_insert (id bigserial primary key, client int not null, at timestamptz not null default now(), payload text)');
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    conns.map(async (c, i) => {
      while (performance.now() < end) {
        await c.query('insert into bench_insert (client, payload) values ($1, $2)', [i, 'x']);
        n++;
      }
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  await Promise.all(conns.map((c) => c.end()));
  await setup.query('drop table bench_insert');
  await setup.end();
  return rate;
}

/**
 * Jobs a second a bare pg-boss worker fetches and completes (a no-op handler), with the gateway
 * worker's own fetch settings (batch 2, 6 loops), from a queue filled beforehand.
 */
export async function rawDispatchRate(url: string, n: number): Promise<number> {
  const boss = new PgBoss({ connectionString: url, useListenNotify: true, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue('bench.dispatch', { notify: true });
  for (let i = 0; i < n; i += 1000) await boss.insert('bench.dispatch', Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({ data: { k: i + j } })));
  let done = 0;
  let t0 = 0;
  const finished = new Promise<void>((resolve) => {
    void boss.work('bench.dispatch', { batchSize: 2, burstWhenBatchFull: true, localConcurrency: 6, pollingIntervalSeconds: 1 }, async (jobs) => {
      if (!t0) t0 = performance.now();
      done += jobs.length;
      if (done >= n) resolve();
    });
  });
  await finished;
  const rate = n / ((performance.now() - t0) / 1000);
  await boss.stop({ graceful: false, close: true });
  return rate;
}

/** Calls a second `concurrency` loops of `call` sustain for `ms`. */
export async function callRate(call: () => Promise<unknown>, concurrency: number, ms = 3000): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        n++;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}
