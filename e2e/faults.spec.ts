import { expect, test } from '@playwright/test';
import { sql } from 'kysely';
import { createGatewayClient } from '../clients/typescript/src';
import { alive, startProduct, type Product } from './product';

// The product under faults, as a user runs it: `npm start`'s supervisor restarts what dies, and
// clients that retry with idempotency keys lose nothing and create nothing twice.

const until = async (cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

let product: Product;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  product = await startProduct(Number(process.env.E2E_FAULTS_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 70));
});

test.afterAll(async () => {
  await product?.stop();
});

test('a child killed by a signal is restarted by the supervisor and the product serves again', async () => {
  test.setTimeout(300_000);
  const { token } = await product.account('supervised');
  const gw = createGatewayClient({ url: product.url, token, retries: 30 });
  const aspirin = async () => {
    const p = await gw.models.predict('rdkit-descriptors', { smiles: 'CC(=O)Oc1ccccc1C(=O)O' });
    expect(p.error).toBeNull();
    expect(p.output!.tpsa as number).toBeCloseTo(63.6, 1);
  };
  await aspirin();

  for (const name of ['worker', 'web'] as const) {
    const before = product.starts(name);
    const pid = product.pid(name);
    process.kill(pid, 'SIGKILL');
    await until(() => product.starts(name) > before, `the supervisor starts the ${name} again`);
    expect(product.log()).toContain(`${name} was killed by SIGKILL; restarting it`);
    expect(alive(pid)).toBe(false);
    await until(() => fetch(`${product.url}/api/healthz`).then((r) => r.ok, () => false), 'the web answers again');
    await aspirin(); // served again, by the new process
  }

  const postgres = product.pid('postgres');
  process.kill(postgres, 'SIGKILL');
  await until(() => product.log().includes('PostgreSQL is back'), 'PostgreSQL is restarted');
  await aspirin();
});

test('a burst of submissions with idempotency keys, the web killed mid-burst and every client retrying: 0 lost, 0 duplicated', async () => {
  test.setTimeout(300_000);
  const { viewer, token } = await product.account('burst');
  const clients = 500;
  let accepted = 0;
  const webBefore = product.starts('web');
  const submissions = Array.from({ length: clients }, async (_, i) => {
    const gw = createGatewayClient({ url: product.url, token, retries: 40 });
    const job = await gw.jobs.submit({ model: 'rdkit-descriptors', inputs: [{ smiles: `${'C'.repeat((i % 20) + 1)}O` }], idempotencyKey: `burst-${i}` });
    accepted++;
    return { key: `burst-${i}`, jobId: job.id };
  });
  // Kill the web once a part of the burst is in: the rest meets a dead server and must retry.
  await until(() => accepted >= 50, '50 submissions are accepted');
  process.kill(product.pid('web'), 'SIGKILL');
  const answers = await Promise.all(submissions);
  expect(product.starts('web')).toBeGreaterThan(webBefore);

  const rows = await sql<{ key: string; id: string }>`
    select idempotency_key as key, id from jobs where owner_id = ${viewer.id} and parent_job_id is null`.execute(product.db());
  const byKey = new Map<string, string[]>();
  for (const r of rows.rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.id]);
  expect(rows.rows).toHaveLength(clients); // nothing created twice
  expect(byKey.size).toBe(clients); // nothing lost
  for (const a of answers) expect(byKey.get(a.key)).toEqual([a.jobId]); // each client holds the one job of its key
});

test('Ctrl-C (SIGTERM) stops every process of the product', async () => {
  test.setTimeout(120_000);
  const pids = [product.pid('web'), product.pid('worker'), product.pid('postgres')];
  expect(await product.stop()).toBe(0);
  for (const pid of pids) await until(() => !alive(pid), `process ${pid} is gone`, 30_000);
});
