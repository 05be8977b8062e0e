import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import { approvalThresholds } from './approval-policy';
import { listApprovals, listToolCalls } from './approvals.repository';
import * as repo from './conversations.repository';
import { providerStatus } from './provider';

type DbDeps = Pick<Deps, 'db'>;

/** Whether the agent can answer (and if not, what to set), and the approval thresholds in force. */
export function agentStatus() {
  return { ...providerStatus(), approval: approvalThresholds() };
}

export async function listConversations({ db }: DbDeps, viewer: Viewer, q: { limit: number; offset: number }) {
  return repo.listConversations(db, viewer.id, q);
}

async function ownConversation({ db }: DbDeps, viewer: Viewer, id: string) {
  const c = await repo.findConversation(db, viewer.id, id);
  if (!c) throw new AppError('NOT_FOUND', `no conversation ${id} visible to you`);
  return c;
}

/** A conversation with its stored messages (as the panel shows them after a reload) and its approvals. */
export async function getConversation(deps: DbDeps, viewer: Viewer, { id }: { id: string }) {
  const c = await ownConversation(deps, viewer, id);
  const [messages, approvals] = await Promise.all([repo.listMessages(deps.db, id), listApprovals(deps.db, id)]);
  return { ...c, messages, approvals };
}

export async function deleteConversation(deps: DbDeps, viewer: Viewer, { id }: { id: string }) {
  await ownConversation(deps, viewer, id);
  await repo.deleteConversation(deps.db, viewer.id, id);
  return { id };
}

/** The agent's record of the viewer's tool calls (chat and MCP), oldest first. */
export async function listAgentToolCalls({ db }: DbDeps, viewer: Viewer, q: { conversationId?: string; limit: number }) {
  return listToolCalls(db, viewer.id, q);
}
