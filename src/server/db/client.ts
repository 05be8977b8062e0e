import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './types';

export type Db = Kysely<DB>;
/** Repositories accept either the root handle or a transaction. */
export type DbOrTx = Kysely<DB> | Transaction<DB>;

/** Runs `fn` in a transaction of its own, or in the caller's when it is already in one. */
export function inTransaction<T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : (db as Kysely<DB>).transaction().execute(fn);
}

// jsonb and timestamptz come back parsed; bigint counts (type 20) as numbers since ours fit.
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  // A server stopping under a live pool would otherwise crash the process.
  pool.on('error', (err) => console.error('[db] idle client error:', err.message));
  // The pool takes its listener off a client it hands out, and Kysely holds one through a whole
  // transaction: a server that stops between two statements emits 'error' on it, which unheard
  // ends the process. The statement in flight (or the next) rejects anyway, so only note it.
  pool.on('connect', (client) => client.on('error', (err) => console.error('[db] connection lost:', err.message)));
  return pool;
}

const pools = new WeakMap<Db, pg.Pool>();

export function createDb(connectionString: string, max = 10): { db: Db; pool: pg.Pool } {
  const pool = createPool(connectionString, max);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return { db, pool };
}

/** The pool under a handle made by `createDb`, for what Kysely cannot do (COPY FROM STDIN). */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('this database handle was not made by createDb: it has no pool to take a connection from');
  return pool;
}

const globalForDb = globalThis as unknown as { __gatewayDb?: { db: Db; pool: pg.Pool } };

/** The process-wide database handle, from DATABASE_URL. */
export function getDb(): Db {
  if (!globalForDb.__gatewayDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: start the app with `npm start`, which provides one.');
    globalForDb.__gatewayDb = createDb(url, Number(process.env.DB_POOL_MAX ?? 20));
  }
  return globalForDb.__gatewayDb.db;
}
