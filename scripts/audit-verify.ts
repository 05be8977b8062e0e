/**
 * `npm run audit:verify`: checks the audit log's hash chain and names the first broken entry.
 * Exits 0 when the chain is sound, 1 when it is broken, 2 when the database cannot be reached.
 *
 * The database is DATABASE_URL, or else the embedded one under DATA_DIR (default .data): the
 * running one when `npm start` is up (its port is read from postmaster.pid), otherwise it is
 * started just for the check and stopped again.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createDb } from '../src/server/db/client';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/server/db/embedded';
import { describeChainReport, verifyAuditChain } from '../src/server/audit/verify-chain';

const root = path.resolve(import.meta.dirname, '..');

/** The URL of the embedded database in `dataDir` while a postmaster runs on it, else null. */
async function runningEmbedded(pgDir: string): Promise<string | null> {
  const pid = await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8').catch(() => null);
  if (!pid) return null;
  const [pidLine, , , portLine] = pid.split('\n');
  try {
    process.kill(Number(pidLine), 0);
  } catch {
    return null; // a stale file from a crash
  }
  const password = (await fs.readFile(`${pgDir}.password`, 'utf8').catch(() => 'gateway')).trim();
  return `postgres://gateway:${encodeURIComponent(password)}@127.0.0.1:${Number(portLine)}/postgres`;
}

async function main(): Promise<number> {
  let url = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!url) {
    const pgDir = path.join(path.resolve(process.env.DATA_DIR ?? path.join(root, '.data')), 'pg');
    url = (await runningEmbedded(pgDir)) ?? undefined;
    if (!url) {
      if (!(await fs.access(path.join(pgDir, 'PG_VERSION')).then(() => true, () => false))) {
        console.error(`[audit:verify] no database: set DATABASE_URL, or DATA_DIR to an installation's data folder (${pgDir} holds none)`);
        return 2;
      }
      embedded = await startEmbeddedPostgres({ dataDir: pgDir });
      url = embedded.url('postgres');
    }
  }
  const { db, pool } = createDb(url, 2);
  try {
    const report = await verifyAuditChain(db);
    (report.ok ? console.log : console.error)(`[audit:verify] ${describeChainReport(report)}`);
    return report.ok ? 0 : 1;
  } catch (e) {
    console.error(`[audit:verify] could not read the audit log: ${(e as Error).message}`);
    return 2;
  } finally {
    await db.destroy().catch(() => {});
    await pool.end().catch(() => {});
    await embedded?.stop().catch(() => {});
  }
}

main().then((code) => process.exit(code));
