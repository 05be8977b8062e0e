import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { AuditChannel, AuditLogRow } from '../db/types';
import type { AuditEntryContent } from './audit-chain';

export type AuditEntry = AuditEntryContent & { hash: string };

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

function toEntry(r: AuditLogRow): AuditEntry {
  return {
    seq: Number(r.seq),
    id: r.id,
    at: new Date(r.at),
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    actorRole: r.actor_role,
    channel: r.channel,
    requestId: r.request_id,
    procedure: r.procedure,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    input: r.input,
    outcome: r.outcome,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The chain's head, locked until the caller's transaction ends: appends queue here, one at a time. */
export async function lockHead(tx: DbOrTx): Promise<{ seq: number; hash: string }> {
  const row = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('singleton', '=', true).forUpdate().executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash };
}

export async function readHead(db: DbOrTx): Promise<{ seq: number; hash: string }> {
  const row = await db.selectFrom('audit_head').select(['seq', 'hash']).where('singleton', '=', true).executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash };
}

/** Appends one entry and moves the head to it, in one statement (the caller holds the head's lock). */
export async function appendEntry(tx: DbOrTx, e: AuditEntry): Promise<void> {
  await tx
    .with('entry', (db) =>
      db.insertInto('audit_log').values({
        seq: e.seq,
        id: e.id,
        at: e.at,
        actor_id: e.actorId,
        actor_email: e.actorEmail,
        actor_role: e.actorRole,
        channel: e.channel,
        request_id: e.requestId,
        procedure: e.procedure,
        action: e.action,
        entity_type: e.entityType,
        entity_id: e.entityId,
        before: json(e.before),
        after: json(e.after),
        input: json(e.input),
        outcome: e.outcome,
        error_code: e.errorCode,
        error_message: e.errorMessage,
        prev_hash: e.prevHash,
        hash: e.hash,
      }),
    )
    .updateTable('audit_head')
    .set({ seq: e.seq, hash: e.hash })
    .where('singleton', '=', true)
    .execute();
}

/** How many of these entries exist (were committed). */
export async function countEntries(db: DbOrTx, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).where('id', 'in', ids).executeTakeFirstOrThrow();
  return row.n;
}

/** A page of the chain in order, from position `afterSeq` on (for verification). */
export async function chainPage(db: DbOrTx, afterSeq: number, limit: number): Promise<AuditEntry[]> {
  const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  return rows.map(toEntry);
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  channel?: AuditChannel;
  outcome?: 'ok' | 'error';
  requestId?: string;
  from?: Date;
  to?: Date;
}

function filtered(db: DbOrTx, f: AuditFilter) {
  let q = db.selectFrom('audit_log');
  if (f.actor) q = q.where((eb) => eb.or([eb('actor_email', 'ilike', `%${escapeLike(f.actor!)}%`), eb(sql`actor_id::text`, '=', f.actor!)]));
  if (f.action) q = q.where((eb) => eb.or([eb('action', 'ilike', `${escapeLike(f.action!)}%`), eb('procedure', 'ilike', `${escapeLike(f.action!)}%`)]));
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.requestId) q = q.where('request_id', '=', f.requestId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  return q;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Entries matching the filter, newest first. */
export async function listEntries(db: DbOrTx, f: AuditFilter, page: { limit: number; offset: number }): Promise<{ items: AuditEntry[]; total: number }> {
  const [rows, total] = await Promise.all([
    filtered(db, f).selectAll().orderBy('seq', 'desc').limit(page.limit).offset(page.offset).execute(),
    filtered(db, f).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toEntry), total: total.n };
}

/** An API token as the audit log names it (never its hash). */
export async function tokenSnapshot(db: DbOrTx, id: string) {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'name', 'token_prefix', 'created_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, userId: row.user_id, name: row.name, prefix: row.token_prefix, revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null };
}
