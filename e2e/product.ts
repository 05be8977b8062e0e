/**
 * A second, private instance of the whole product (`scripts/start.ts`: embedded PostgreSQL, web
 * and worker under the supervisor), for tests that kill its processes without disturbing the
 * instance the other specs use. It reads the supervisor's log to learn its children's pids.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../src/server/db/client';
import { createApiToken, registerUser } from '../src/server/users/users.service';
import type { Viewer } from '../src/server/users/viewer';

const root = path.resolve(import.meta.dirname, '..');

export interface Product {
  url: string;
  /** Everything the supervisor and its children printed so far. */
  log: () => string;
  /** The newest pid the supervisor reported for a child (`web`, `worker`) or PostgreSQL. */
  pid: (name: 'web' | 'worker' | 'postgres') => number;
  /** How many times the supervisor has started a child. */
  starts: (name: 'web' | 'worker') => number;
  db: () => Db;
  /** A user of this instance and an API token of theirs. */
  account: (label: string) => Promise<{ viewer: Viewer; token: string }>;
  stop: () => Promise<number | null>;
  process: ChildProcess;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startProduct(port: number): Promise<Product> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mgw-product-'));
  chmodSync(dataDir, 0o755);
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, GATEWAY_SKIP_BUILD: '1', GATEWAY_REMOVE_DATA_ON_EXIT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const pids = (name: string) => [...out.matchAll(new RegExp(`\\[start\\] ${name} started \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));
  const pgPids = () => [...out.matchAll(/PostgreSQL (?:listening on [^ ]+|is back) \(pid (\d+)\)/g)].map((m) => Number(m[1]));
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`the product exited:\n${out}`);
      return fetch(`${url}/api/healthz`).then((r) => r.ok, () => false);
    },
    'the product answers /api/healthz',
    240_000,
  );
  let db: Db | undefined;
  const database = () => {
    if (!db) {
      const pgPort = /PostgreSQL listening on 127\.0\.0\.1:(\d+)/.exec(out)![1];
      const password = readFileSync(path.join(dataDir, 'pg.password'), 'utf8').trim();
      db = createDb(`postgres://gateway:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/postgres`, 4).db;
    }
    return db;
  };
  return {
    url,
    process: child,
    log: () => out,
    pid: (name) => (name === 'postgres' ? pgPids() : pids(name)).at(-1)!,
    starts: (name) => pids(name).length,
    db: database,
    async account(label) {
      const viewer = await registerUser({ db: database() }, null, { email: `${label}-${Date.now()}@faults.example.com`, password: 'correct horse battery' });
      const { token } = await createApiToken({ db: database() }, viewer, { name: label });
      return { viewer, token };
    },
    async stop() {
      await db?.destroy().catch(() => {});
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
