import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../src/server/db/embedded';
import { prepareDatabase } from '../src/server/setup';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * One real PostgreSQL for the whole run; a migrated, seeded template database that each test
 * file clones (CREATE DATABASE … TEMPLATE is fast), so files never share state.
 */
export default async function setup(project: TestProject) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mgw-test-'));
  await fs.chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), ephemeral: true });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query('create database gateway_template');
  await admin.end();
  // Seeding trains the built-in trained models when their (gitignored) weights are missing, as on a fresh clone: say so.
  await prepareDatabase(server.url('gateway_template'), (l) => {
    if (/\btrain(ing|ed)\b|skipped/.test(l)) console.log(`[global-setup] ${l}`);
  });
  project.provide('pgAdminUrl', server.url('postgres'));
  project.provide('pgTemplate', 'gateway_template');
  return async () => {
    await server.stop().catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  };
}
