import { CompiledQuery } from 'kysely';
import { PgBoss, type Db as IDatabase } from 'pg-boss';
import type { DbOrTx } from '../db/client';
import { queueCatalog, type QueueName, type QueuePayload } from './catalog';

export interface BossOptions {
  connectionString: string;
  /** Workers run maintenance; the web app only sends. */
  role: 'web' | 'worker' | 'setup';
  max?: number;
}

/** pg-boss's tables and its notification channel are named after it. */
export const BOSS_SCHEMA = 'pgboss';

export function createBoss({ connectionString, role, max }: BossOptions): PgBoss {
  const boss = new PgBoss({
    connectionString,
    schema: BOSS_SCHEMA,
    max: max ?? (role === 'worker' ? 6 : 4),
    // Senders still notify (the queues have notify: true); the worker listens itself and wakes
    // fewer loops than pg-boss would (src/workers/waker.ts).
    useListenNotify: false,
    supervise: role !== 'web',
    schedule: false,
    // Heartbeat and expiry checks: a dead worker's tasks are failed (and retried) within seconds.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 5,
    migrate: role === 'setup',
    application_name: `gateway-${role}`,
  });
  boss.on('error', (err) => console.error(`[pg-boss ${role}]`, err.message));
  return boss;
}

/** Creates (or updates) every queue in the catalog. */
export async function ensureQueues(boss: PgBoss): Promise<void> {
  for (const [name, def] of Object.entries(queueCatalog)) {
    const existing = await boss.getQueue(name);
    if (!existing) await boss.createQueue(name, def.options);
    else {
      const { deadLetter, ...rest } = def.options as typeof def.options & { deadLetter?: string };
      await boss.updateQueue(name, { ...rest, ...(deadLetter ? { deadLetter } : {}) });
    }
  }
}

/** Lets pg-boss write through a Kysely connection, so enqueueing joins our transaction. */
export function kyselyAdapter(db: DbOrTx): IDatabase {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as any[] };
    },
  };
}

/** How queued jobs of one enqueue are ordered and grouped: `group` caps how many run at once per worker. */
export interface EnqueueOptions {
  /** Higher goes first; a function gives each payload its own (by its index in this enqueue). */
  priority?: number | ((index: number) => number);
  group?: string;
}

/** Bulk insert of typed payloads, in the caller's transaction. */
export async function enqueueMany<Q extends QueueName>(
  boss: PgBoss,
  queue: Q,
  payloads: QueuePayload<Q>[],
  tx: DbOrTx,
  o: EnqueueOptions = {},
): Promise<void> {
  const schema = queueCatalog[queue].schema;
  const group = o.group ? { group: { id: o.group } } : {};
  const priorityOf = typeof o.priority === 'function' ? o.priority : () => (o.priority as number | undefined) ?? 0;
  for (let i = 0; i < payloads.length; i += 1000) {
    const chunk = payloads.slice(i, i + 1000).map((data, j) => {
      const priority = priorityOf(i + j);
      return { data: schema.parse(data), ...group, ...(priority ? { priority } : {}) };
    });
    await boss.insert(queue, chunk, { db: kyselyAdapter(tx) });
  }
}
