import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

/** A stored UI message: the AI SDK's shape, kept as JSON. */
export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant' | 'system';
  parts: unknown[];
  metadata?: unknown;
}

/** The conversation if it is the owner's; undefined when it does not exist or is another user's. */
export async function findConversation(db: DbOrTx, ownerId: string, id: string): Promise<ConversationSummary | undefined> {
  const row = await db.selectFrom('agent_conversations').selectAll().where('id', '=', id).where('owner_id', '=', ownerId).executeTakeFirst();
  return row && { id: row.id, title: row.title, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
}

/** Creates the conversation when no one has it yet; false when the id is taken (by anyone). */
export async function insertConversation(db: DbOrTx, c: { id: string; ownerId: string; title: string }): Promise<boolean> {
  const row = await db
    .insertInto('agent_conversations')
    .values({ id: c.id, owner_id: c.ownerId, title: c.title })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return !!row;
}

export async function listConversations(db: DbOrTx, ownerId: string, q: { limit: number; offset: number }): Promise<ConversationSummary[]> {
  const rows = await db
    .selectFrom('agent_conversations')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .orderBy('updated_at', 'desc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) }));
}

export async function deleteConversation(db: DbOrTx, ownerId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('agent_conversations').where('id', '=', id).where('owner_id', '=', ownerId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listMessages(db: DbOrTx, conversationId: string): Promise<StoredMessage[]> {
  const rows = await db.selectFrom('agent_messages').select('message').where('conversation_id', '=', conversationId).orderBy('seq').execute();
  return rows.map((r) => r.message as unknown as StoredMessage);
}

/**
 * Writes messages by id: new ones are appended in order, known ones replaced (an assistant
 * message grows step by step and its tool parts change state).
 */
export async function saveMessages(db: DbOrTx, conversationId: string, messages: StoredMessage[]): Promise<void> {
  if (!messages.length) return;
  const { next } = await db
    .selectFrom('agent_messages')
    .select(sql<number>`coalesce(max(seq), -1) + 1`.as('next'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('agent_messages')
    .values(messages.map((m, i) => ({ conversation_id: conversationId, id: m.id, seq: Number(next) + i, role: m.role === 'user' ? ('user' as const) : ('assistant' as const), message: JSON.stringify(m) })))
    .onConflict((oc) => oc.columns(['conversation_id', 'id']).doUpdateSet({ message: (eb) => eb.ref('excluded.message'), updated_at: new Date() }))
    .execute();
  await db.updateTable('agent_conversations').set({ updated_at: new Date() }).where('id', '=', conversationId).execute();
}
