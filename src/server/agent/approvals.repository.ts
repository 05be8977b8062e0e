import type { DbOrTx } from '../db/client';
import type { AgentApprovalStatus } from '../db/types';

export interface Approval {
  id: string;
  conversationId: string;
  ownerId: string;
  toolCallId: string;
  tool: string;
  arguments: unknown;
  reason: string | null;
  status: AgentApprovalStatus;
  requestedAt: string;
  decidedAt: string | null;
  executedAt: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

type Row = {
  id: string;
  conversation_id: string;
  owner_id: string;
  tool_call_id: string;
  tool: string;
  arguments: unknown;
  reason: string | null;
  status: AgentApprovalStatus;
  requested_at: Date;
  decided_at: Date | null;
  executed_at: Date | null;
};

const toApproval = (r: Row): Approval => ({
  id: r.id,
  conversationId: r.conversation_id,
  ownerId: r.owner_id,
  toolCallId: r.tool_call_id,
  tool: r.tool,
  arguments: r.arguments,
  reason: r.reason,
  status: r.status,
  requestedAt: iso(r.requested_at)!,
  decidedAt: iso(r.decided_at),
  executedAt: iso(r.executed_at),
});

/** Records an approval the server asks for; asking again for the same one changes nothing. */
export async function insertApproval(
  db: DbOrTx,
  a: { id: string; conversationId: string; ownerId: string; toolCallId: string; tool: string; arguments: unknown; reason: string | null },
): Promise<void> {
  await db
    .insertInto('agent_approvals')
    .values({
      id: a.id,
      conversation_id: a.conversationId,
      owner_id: a.ownerId,
      tool_call_id: a.toolCallId,
      tool: a.tool,
      arguments: JSON.stringify(a.arguments ?? null),
      reason: a.reason,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function findApproval(db: DbOrTx, conversationId: string, id: string): Promise<Approval | undefined> {
  const row = await db.selectFrom('agent_approvals').selectAll().where('id', '=', id).where('conversation_id', '=', conversationId).executeTakeFirst();
  return row && toApproval(row as Row);
}

export async function findApprovalForCall(db: DbOrTx, conversationId: string, toolCallId: string): Promise<Approval | undefined> {
  const row = await db
    .selectFrom('agent_approvals')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('tool_call_id', '=', toolCallId)
    .executeTakeFirst();
  return row && toApproval(row as Row);
}

export async function listApprovals(db: DbOrTx, conversationId: string): Promise<Approval[]> {
  const rows = await db.selectFrom('agent_approvals').selectAll().where('conversation_id', '=', conversationId).orderBy('requested_at').execute();
  return rows.map((r) => toApproval(r as Row));
}

/** The user's decision on a pending approval; undefined when it was not pending (already decided, or never issued). */
export async function decideApproval(db: DbOrTx, conversationId: string, id: string, approved: boolean): Promise<Approval | undefined> {
  const row = await db
    .updateTable('agent_approvals')
    .set({ status: approved ? 'approved' : 'denied', decided_at: new Date() })
    .where('id', '=', id)
    .where('conversation_id', '=', conversationId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  return row && toApproval(row as Row);
}

/**
 * Claims an approved call for running: approved → executed, once. Undefined when there is no
 * approved row for this tool call, so a replayed or forged approval runs nothing.
 */
export async function claimApproval(db: DbOrTx, conversationId: string, toolCallId: string): Promise<Approval | undefined> {
  const row = await db
    .updateTable('agent_approvals')
    .set({ status: 'executed', executed_at: new Date() })
    .where('conversation_id', '=', conversationId)
    .where('tool_call_id', '=', toolCallId)
    .where('status', '=', 'approved')
    .returningAll()
    .executeTakeFirst();
  return row && toApproval(row as Row);
}

export interface ToolCallRecord {
  ownerId: string;
  surface: 'chat' | 'mcp';
  conversationId: string | null;
  toolCallId: string | null;
  tool: string;
  arguments: unknown;
  outcome: 'ok' | 'error' | 'refused';
  errorCode?: string | null;
  errorMessage?: string | null;
  approvalId?: string | null;
  durationMs?: number | null;
}

/** One line of the agent's own record of tool calls (the audit log reads `ctx.channel` once it exists). */
export async function insertToolCall(db: DbOrTx, r: ToolCallRecord): Promise<void> {
  await db
    .insertInto('agent_tool_calls')
    .values({
      owner_id: r.ownerId,
      surface: r.surface,
      conversation_id: r.conversationId,
      tool_call_id: r.toolCallId,
      tool: r.tool,
      arguments: JSON.stringify(r.arguments ?? null),
      outcome: r.outcome,
      error_code: r.errorCode ?? null,
      error_message: r.errorMessage?.slice(0, 2000) ?? null,
      approval_id: r.approvalId ?? null,
      duration_ms: r.durationMs ?? null,
    })
    .execute();
}

export async function listToolCalls(db: DbOrTx, ownerId: string, q: { conversationId?: string; limit: number }) {
  let query = db.selectFrom('agent_tool_calls').selectAll().where('owner_id', '=', ownerId);
  if (q.conversationId) query = query.where('conversation_id', '=', q.conversationId);
  const rows = await query.orderBy('created_at').limit(q.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    surface: r.surface,
    conversationId: r.conversation_id,
    toolCallId: r.tool_call_id,
    tool: r.tool,
    arguments: r.arguments,
    outcome: r.outcome,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    approvalId: r.approval_id,
    durationMs: r.duration_ms,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}
