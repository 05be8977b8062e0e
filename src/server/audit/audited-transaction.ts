import type { Transaction } from 'kysely';
import type { Db } from '../db/client';
import type { DB } from '../db/types';
import type { Viewer } from '../users/viewer';
import { audit } from './audit.service';

/** How a mutation is described in the audit log. */
export interface AuditedMutation<T> {
  action: string;
  /** The state the mutation changes, read in its transaction before it runs. */
  before?: (tx: Transaction<DB>) => Promise<unknown>;
  /** The entity it touched, from its answer. */
  entity: (result: T) => { type: string; id: string } | null;
  /** The state after, from its answer (default: the answer, masked and shrunk). */
  after?: (result: T) => unknown;
  /** Who made it, when the caller had no viewer yet (a sign-up is made by the account it creates). */
  actor?: (result: T) => Viewer | null;
}

/**
 * Runs a service of one transaction's worth of work in a transaction of its own and writes its
 * audit entry (before, after) as that transaction's last statement: the change and its entry
 * commit together or not at all. For services that do not audit themselves; they take the
 * transaction as their `db` (services that open transactions of their own accept one already open).
 */
export async function inAuditedTransaction<T>(deps: { db: Db }, viewer: Viewer | null, run: (tx: Transaction<DB>) => Promise<T>, m: AuditedMutation<NoInfer<T>>): Promise<T> {
  return deps.db.transaction().execute(async (tx) => {
    const before = m.before ? await m.before(tx) : undefined;
    const result = await run(tx);
    await audit(tx, viewer ?? m.actor?.(result) ?? null, { action: m.action, entity: m.entity(result), before, after: m.after ? m.after(result) : result });
    return result;
  });
}
