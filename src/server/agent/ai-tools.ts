import { tool, type ToolApprovalConfiguration, type ToolApprovalStatus, type ToolSet } from 'ai';
import type { Deps } from '../deps';
import type { Viewer } from '../users/viewer';
import { sameJson } from '../../shared/canonical-json';
import { approvalFor } from './approval-policy';
import { claimApproval, findApprovalForCall, insertToolCall } from './approvals.repository';
import { AGENT_TOOLS, findAgentTool } from './tools';
import { agentCaller, runTool, type ToolEnv, type ToolError } from './tool-kit';

interface ChatToolsContext {
  deps: Deps;
  viewer: Viewer;
  conversationId: string;
}

/**
 * The agent's tools for `streamText`, with the approval policy. A tool that needs approval runs
 * only by claiming the approved row the server stored for that exact call (approved → executed,
 * once); without one it refuses and runs nothing, whatever the request claims.
 */
export function chatTools({ deps, viewer, conversationId }: ChatToolsContext): { tools: ToolSet; toolApproval: ToolApprovalConfiguration<ToolSet, never> } {
  const caller = agentCaller(deps, viewer);
  const envFor = (toolCallId: string, signal?: AbortSignal): ToolEnv => ({ caller, viewer, callKey: `agent:${conversationId}:${toolCallId}`, signal });

  const refuse = async (name: string, input: unknown, toolCallId: string, message: string, approvalId: string | null): Promise<ToolError> => {
    await insertToolCall(deps.db, { ownerId: viewer.id, surface: 'chat', conversationId, toolCallId, tool: name, arguments: input, outcome: 'refused', errorCode: 'FORBIDDEN', errorMessage: message, approvalId });
    return { error: { code: 'FORBIDDEN', message } };
  };

  const tools: ToolSet = {};
  for (const t of AGENT_TOOLS) {
    tools[t.name] = tool({
      title: t.title,
      description: t.description,
      inputSchema: t.input,
      execute: async (input: unknown, { toolCallId, abortSignal }) => {
        const env = envFor(toolCallId, abortSignal);
        let approvalId: string | null = null;
        if (t.kind !== 'read') {
          const claimed = await claimApproval(deps.db, conversationId, toolCallId);
          if (claimed) {
            if (claimed.tool !== t.name || !sameJson(claimed.arguments, input)) {
              return refuse(t.name, input, toolCallId, 'these are not the arguments the user approved; nothing was run', claimed.id);
            }
            approvalId = claimed.id;
          } else {
            const asked = await findApprovalForCall(deps.db, conversationId, toolCallId);
            if (asked) {
              const why = asked.status === 'executed' ? 'it has already run once' : asked.status === 'denied' ? 'the user denied it' : 'the user has not approved it';
              return refuse(t.name, input, toolCallId, `this call was not run: ${why}`, asked.id);
            }
            if ((await approvalFor(t, input, env)).needed) {
              return refuse(t.name, input, toolCallId, 'this call needs the user\'s approval in the panel, and the server issued none for it; nothing was run', null);
            }
          }
        }
        return runTool(deps, t, input, env, { surface: 'chat', conversationId, toolCallId, approvalId });
      },
    });
  }

  const toolApproval = async ({ toolCall }: { toolCall: { toolName: string; toolCallId: string; input: unknown } }): Promise<ToolApprovalStatus> => {
    const t = findAgentTool(toolCall.toolName);
    if (!t) return { type: 'denied', reason: `there is no tool "${toolCall.toolName}"` };
    const decision = await approvalFor(t, toolCall.input, envFor(toolCall.toolCallId));
    return decision.needed ? { type: 'user-approval', reason: decision.reason } : 'not-applicable';
  };
  return { tools, toolApproval };
}
