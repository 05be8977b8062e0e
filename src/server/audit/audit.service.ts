import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { DB } from '../db/types';
import type { Viewer } from '../users/viewer';
import { entryHash, type AuditEntryContent } from './audit-chain';
import * as repo from './audit.repository';
import { currentAuditScope } from './audit-scope';
import { auditable } from './redact';

/** What a service says about the mutation it made. */
export interface AuditInput {
  /** A dotted verb, e.g. `job.create`, `quota.update`, `task.retry`. */
  action: string;
  entity?: { type: string; id: string } | null;
  before?: unknown;
  after?: unknown;
  /** The request, when it says more than before and after (kept masked and shrunk, see `auditable`). */
  input?: unknown;
  outcome?: { ok: true } | { ok: false; code: string; message: string };
}

/**
 * Appends one entry to the audit log in the caller's transaction, as its last statement: it locks
 * the chain's head (so appends are serialised and the mutation and its entry commit or vanish
 * together) and links the entry to the one before. Who, the channel and the request id come from
 * the request's audit scope; outside a request (workers, scripts) the channel is `system`.
 */
/** Who an entry names: a viewer, or an account a sign-up just made. */
export type AuditActor = Pick<Viewer, 'id' | 'email' | 'role'>;

export async function audit(db: DbOrTx, viewer: AuditActor | null, e: AuditInput): Promise<void> {
  const scope = currentAuditScope();
  if (scope?.deferred) return;
  if (!db.isTransaction) {
    await (db as Kysely<DB>).transaction().execute((tx) => audit(tx, viewer, e));
    return;
  }
  const head = await repo.lockHead(db);
  const outcome = e.outcome ?? { ok: true };
  const content: AuditEntryContent = {
    seq: head.seq + 1,
    id: randomUUID(),
    // Millisecond precision: what timestamptz keeps of it is exactly what is hashed.
    at: new Date(),
    actorId: viewer?.id ?? null,
    actorEmail: viewer?.email ?? null,
    actorRole: viewer?.role ?? null,
    channel: scope?.channel ?? 'system',
    requestId: scope?.requestId ?? null,
    procedure: scope?.procedure ?? null,
    action: e.action,
    entityType: e.entity?.type ?? null,
    entityId: e.entity?.id ?? null,
    before: auditable(e.before),
    after: auditable(e.after),
    input: auditable(e.input),
    outcome: outcome.ok ? 'ok' : 'error',
    errorCode: outcome.ok ? null : outcome.code,
    errorMessage: outcome.ok ? null : outcome.message.slice(0, 2000),
    prevHash: head.hash,
  };
  await repo.appendEntry(db, { ...content, hash: entryHash(content) });
  scope?.written.push(content.id);
}

/** Whether the entries a call wrote were committed (a rolled-back transaction took its entry with it). */
export async function anyCommitted(db: DbOrTx, ids: string[]): Promise<boolean> {
  return (await repo.countEntries(db, ids)) > 0;
}
