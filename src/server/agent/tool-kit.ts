import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import type { Deps } from '../deps';
import { isAppError, toAppError, type ErrorCode } from '../errors';
import { createCaller } from '../api/root';
import { describeTRPCError } from '../api/trpc';
import type { Viewer } from '../users/viewer';
import { insertToolCall } from './approvals.repository';

/** The gateway's procedures, called server-side with the user's own context (`channel: 'agent'`). */
export type AppCaller = ReturnType<typeof createCaller>;

export function agentCaller(deps: Deps, viewer: Viewer): AppCaller {
  return createCaller({ ...deps, viewer, channel: 'agent' });
}

/**
 * `read` tools only look; `run` tools run models (approval above the size threshold);
 * `mutation` tools change the registry or a job (always approved first in the chat).
 */
export type ToolKind = 'read' | 'run' | 'mutation';

export interface ToolEnv {
  caller: AppCaller;
  viewer: Viewer;
  /** Unique to this tool call: the idempotency key of whatever it submits, so a replay never runs twice. */
  callKey: string;
  /** Progress of a long call (MCP progress notifications); absent where nobody listens. */
  progress?: (p: { progress: number; total?: number; message?: string }) => Promise<void>;
  signal?: AbortSignal;
}

/** What a run tool would run, for the estimate and the approval threshold. */
export interface PlannedRun {
  model: string;
  items: number;
}

export interface AgentTool<S extends z.ZodType = z.ZodType, O = unknown> {
  name: string;
  title: string;
  description: string;
  input: S;
  kind: ToolKind;
  /** Run tools: the jobs the call would submit. */
  plan?: (input: z.infer<S>, env: ToolEnv) => Promise<PlannedRun[]>;
  /** Mutations: what the call changes, in words, for the approval card. */
  summary?: (input: z.infer<S>) => string;
  run: (input: z.infer<S>, env: ToolEnv) => Promise<O>;
}

/** Keeps a tool's input type tied to its schema. */
export function defineTool<S extends z.ZodType, O>(tool: AgentTool<S, O>): AgentTool<S, O> {
  return tool;
}

export interface ToolError {
  error: { code: ErrorCode; message: string };
}

export const isToolError = (v: unknown): v is ToolError => typeof v === 'object' && v !== null && 'error' in v && typeof (v as ToolError).error?.code === 'string';

/** Any failure as the structured error the model reads, in the gateway's codes and messages. */
export function toToolError(e: unknown): ToolError {
  if (e instanceof TRPCError) return { error: describeTRPCError(e) };
  const app = isAppError(e) ? e : toAppError(e);
  const message = app.code === 'INTERNAL' ? 'something went wrong on the gateway; try again, and tell its operators if it persists' : app.message;
  return { error: { code: app.code, message } };
}

export interface CallRecord {
  surface: 'chat' | 'mcp';
  conversationId: string | null;
  toolCallId: string | null;
  approvalId?: string | null;
}

/**
 * Runs a tool and records the call. Never throws: a refusal or failure comes back as
 * `{ error: { code, message } }`, which is what the model sees and can correct itself from.
 */
export async function runTool<S extends z.ZodType, O>(
  deps: Pick<Deps, 'db'>,
  tool: AgentTool<S, O>,
  rawInput: unknown,
  env: ToolEnv,
  record: CallRecord,
): Promise<O | ToolError> {
  const started = Date.now();
  let outcome: O | ToolError;
  const parsed = tool.input.safeParse(rawInput);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    outcome = { error: { code: 'INVALID_INPUT', message } };
  } else {
    try {
      outcome = await tool.run(parsed.data, env);
    } catch (e) {
      outcome = toToolError(e);
    }
  }
  const failed = isToolError(outcome) ? outcome.error : null;
  await insertToolCall(deps.db, {
    ownerId: env.viewer.id,
    surface: record.surface,
    conversationId: record.conversationId,
    toolCallId: record.toolCallId,
    tool: tool.name,
    arguments: rawInput,
    outcome: failed ? 'error' : 'ok',
    errorCode: failed?.code,
    errorMessage: failed?.message,
    approvalId: record.approvalId ?? null,
    durationMs: Date.now() - started,
  }).catch((e) => console.error('[agent] could not record a tool call:', (e as Error).message));
  return outcome;
}

/** Waits for `done()` to hold, polling every `everyMs`, for at most `seconds`; false when time ran out or the call was aborted. */
export async function pollUntil(done: () => Promise<boolean>, o: { seconds: number; everyMs?: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = Date.now() + o.seconds * 1000;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline || o.signal?.aborted) return false;
    await new Promise((r) => setTimeout(r, Math.min(o.everyMs ?? 1000, Math.max(0, deadline - Date.now()))));
  }
}
