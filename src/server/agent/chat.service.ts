import { randomUUID } from 'node:crypto';
import { APICallError, convertToModelMessages, getToolName, isStepCount, isToolUIPart, streamText, type LanguageModel, type UIMessage } from 'ai';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DbOrTx } from '../db/client';
import type { DB } from '../db/types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import { sameJson } from '../../shared/canonical-json';
import { chatTools } from './ai-tools';
import { toolApprovalSecret } from './approval-secret';
import { decideApproval, insertApproval, insertToolCall } from './approvals.repository';
import * as conversations from './conversations.repository';
import { SYSTEM_PROMPT } from './system-prompt';

/**
 * A chat request carries one message only: the user's new message, or the assistant message the
 * client answered approvals in. The history is the server's (stored per conversation), so a client
 * can neither rewrite it nor claim an approval the server did not issue.
 */
export const ZChatRequest = z.object({
  conversationId: z.uuid(),
  message: z.object({
    id: z.string().min(1).max(200),
    role: z.enum(['user', 'assistant']),
    parts: z.array(z.record(z.string(), z.unknown())).max(500),
  }),
});

const MAX_TEXT = 20_000;

type Part = UIMessage['parts'][number];
type ToolPart = Extract<Part, { toolCallId: string }>;
const isTool = (p: unknown): p is ToolPart => isToolUIPart(p as Part);

export interface ChatOptions {
  model: LanguageModel;
  signal?: AbortSignal;
  maxSteps?: number;
}

function titleOf(message: UIMessage): string {
  const text = message.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join(' ').replace(/\s+/g, ' ').trim();
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The conversation of this id, created for the viewer on first use; NOT_FOUND when it is someone else's. */
async function openConversation(db: DbOrTx, viewer: Viewer, id: string, first: UIMessage) {
  const found = await conversations.findConversation(db, viewer.id, id);
  if (found) return found;
  if (first.role === 'user' && (await conversations.insertConversation(db, { id, ownerId: viewer.id, title: titleOf(first) }))) {
    return (await conversations.findConversation(db, viewer.id, id))!;
  }
  throw new AppError('NOT_FOUND', `no conversation ${id} visible to you`);
}

/** The user's new text message, with every pending approval before it marked as not given. */
async function addUserMessage(db: DbOrTx, viewer: Viewer, conversationId: string, stored: UIMessage[], incoming: UIMessage): Promise<UIMessage[]> {
  if (stored.some((m) => m.id === incoming.id)) throw new AppError('CONFLICT', `message ${incoming.id} was already sent; send a new message with a new id`);
  const parts = incoming.parts.flatMap((p) => (p.type === 'text' && typeof p.text === 'string' && p.text.trim() ? [{ type: 'text' as const, text: p.text.slice(0, MAX_TEXT) }] : []));
  if (!parts.length) throw new AppError('INVALID_INPUT', 'the message has no text');
  const changed: UIMessage[] = [];
  const last = stored.at(-1);
  if (last?.role === 'assistant' && last.parts.some((p) => isTool(p) && p.state === 'approval-requested')) {
    const reason = 'not answered: the user sent a new message instead';
    const parts2 = [] as Part[];
    for (const p of last.parts) {
      if (isTool(p) && p.state === 'approval-requested') {
        await decideApproval(db, conversationId, p.approval.id, false);
        parts2.push({ ...p, state: 'output-denied', approval: { ...p.approval, approved: false, reason } } as Part);
      } else parts2.push(p);
    }
    const updated = { ...last, parts: parts2 };
    stored = [...stored.slice(0, -1), updated];
    changed.push(updated);
  }
  const message: UIMessage = { id: incoming.id, role: 'user', parts };
  changed.push(message);
  await conversations.saveMessages(db, conversationId, changed);
  return [...stored, message];
}

/**
 * The approvals the client answered, checked against what the server asked: each must name a
 * pending approval of the last assistant message, for the same tool and the same arguments.
 * Anything else is refused before anything runs, and recorded.
 */
async function answerApprovals(db: Kysely<DB>, viewer: Viewer, conversationId: string, stored: UIMessage[], incoming: UIMessage): Promise<UIMessage[]> {
  const refuse = async (message: string, claim?: ToolPart) => {
    await insertToolCall(db, {
      ownerId: viewer.id,
      surface: 'chat',
      conversationId,
      toolCallId: claim?.toolCallId ?? null,
      tool: claim ? getToolName(claim) : '(approval)',
      arguments: claim?.input ?? null,
      outcome: 'refused',
      errorCode: 'FORBIDDEN',
      errorMessage: message,
      approvalId: claim && 'approval' in claim ? (claim.approval?.id ?? null) : null,
    });
    return new AppError('FORBIDDEN', `${message}; nothing was run`);
  };
  const last = stored.at(-1);
  const answers = incoming.parts.filter((p): p is ToolPart => isTool(p) && p.state === 'approval-responded');
  if (!answers.length) throw new AppError('INVALID_INPUT', 'an assistant message is only accepted with approval responses in it');
  if (!last || last.role !== 'assistant' || last.id !== incoming.id) throw await refuse(`message ${incoming.id} is not the last answer of this conversation, so there is no approval to give in it`, answers[0]);

  const decisions: { id: string; approved: boolean; reason?: string }[] = [];
  const parts = [...last.parts];
  for (const a of answers) {
    const i = parts.findIndex((p) => isTool(p) && p.toolCallId === a.toolCallId);
    const asked = i >= 0 ? (parts[i] as ToolPart) : undefined;
    if (!asked || asked.state !== 'approval-requested' || asked.approval.id !== a.approval?.id) {
      throw await refuse(`the server issued no pending approval ${a.approval?.id ?? '(none)'} for call ${a.toolCallId}`, a);
    }
    if (getToolName(asked) !== getToolName(a) || !sameJson(asked.input, a.input)) {
      throw await refuse(`the approval for call ${a.toolCallId} was sent with other arguments (or another tool) than the ones the server asked about`, a);
    }
    const approved = a.approval.approved === true;
    const reason = typeof a.approval.reason === 'string' ? a.approval.reason.slice(0, 500) : undefined;
    decisions.push({ id: asked.approval.id, approved, reason });
    parts[i] = { ...asked, state: 'approval-responded', approval: { ...asked.approval, approved, reason } } as Part;
  }
  const updated: UIMessage = { ...last, parts };
  await db.transaction().execute(async (tx) => {
    for (const d of decisions) {
      if (!(await decideApproval(tx, conversationId, d.id, d.approved))) throw new AppError('CONFLICT', `approval ${d.id} was already answered; nothing was run again`);
    }
    await conversations.saveMessages(tx, conversationId, [updated]);
  });
  return [...stored.slice(0, -1), updated];
}

/** Stores the answer as it grows, and every approval it asks for, before the client can see the step end. */
async function persist(db: DbOrTx, viewer: Viewer, conversationId: string, message: UIMessage): Promise<void> {
  // An answer that failed before saying anything is not kept: an empty assistant turn would only confuse the next one.
  if (!message.parts.some((p) => p.type === 'text' || isTool(p))) return;
  for (const p of message.parts) {
    if (isTool(p) && p.state === 'approval-requested' && !p.approval.isAutomatic) {
      await insertApproval(db, { id: p.approval.id, conversationId, ownerId: viewer.id, toolCallId: p.toolCallId, tool: getToolName(p), arguments: p.input, reason: p.approval.requestReason ?? null });
    }
  }
  await conversations.saveMessages(db, conversationId, [message]);
}

/** What the panel shows when the language model fails mid-answer. */
export function describeStreamError(e: unknown): string {
  if (APICallError.isInstance(e)) {
    return `the language model's server answered ${e.statusCode ?? 'with an error'}${e.message ? `: ${e.message.slice(0, 300)}` : ''} (${e.url.replace(/\?.*$/, '')})`;
  }
  const message = e instanceof Error ? e.message : String(e);
  return /fetch failed|ECONNREFUSED|ENOTFOUND/i.test(message)
    ? `the language model's server cannot be reached (${message}); check AGENT_BASE_URL and that the server runs`
    : `the agent stopped: ${message.slice(0, 300)}`;
}

/**
 * One turn of the chat: checks the incoming message against the stored conversation, then streams
 * the model's answer (tools and all) as a UI message stream, storing it step by step.
 */
export async function handleChat(deps: Deps, viewer: Viewer, body: unknown, o: ChatOptions): Promise<Response> {
  const parsed = ZChatRequest.safeParse(body);
  if (!parsed.success) throw new AppError('INVALID_INPUT', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const { conversationId } = parsed.data;
  const incoming = parsed.data.message as unknown as UIMessage;
  await openConversation(deps.db, viewer, conversationId, incoming);
  const stored = (await conversations.listMessages(deps.db, conversationId)) as unknown as UIMessage[];
  const messages =
    incoming.role === 'user'
      ? await addUserMessage(deps.db, viewer, conversationId, stored, incoming)
      : await answerApprovals(deps.db, viewer, conversationId, stored, incoming);

  const { tools, toolApproval } = chatTools({ deps, viewer, conversationId });
  const result = streamText({
    model: o.model,
    instructions: SYSTEM_PROMPT,
    messages: await convertToModelMessages(messages, { tools }),
    tools,
    toolApproval,
    experimental_toolApprovalSecret: toolApprovalSecret(),
    stopWhen: isStepCount(o.maxSteps ?? 12),
    abortSignal: o.signal,
  });
  const save = ({ responseMessage }: { responseMessage: UIMessage }) => persist(deps.db, viewer, conversationId, responseMessage);
  return result.toUIMessageStreamResponse({
    originalMessages: messages,
    generateMessageId: randomUUID,
    onStepEnd: save,
    onEnd: save,
    onError: describeStreamError,
  });
}
