import type { AgentTool, ToolEnv } from './tool-kit';

type Env = Record<string, string | undefined>;

/** When a run needs the user's approval in the chat: more items, or a longer expected time, than these. */
export interface ApprovalThresholds {
  items: number;
  seconds: number;
}

export function approvalThresholds(env: Env = process.env): ApprovalThresholds {
  const read = (name: string, fallback: number) => {
    const n = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  return { items: read('AGENT_APPROVAL_ITEMS', 10), seconds: read('AGENT_APPROVAL_SECONDS', 60) };
}

export type ApprovalDecision = { needed: false } | { needed: true; reason: string };

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * Whether a call waits for the user: every mutation does; a run does when it is over a threshold
 * by its size or its estimate. A run whose model cannot be resolved needs none: it fails at once
 * with the structured error (and the closest names), which is what the model should see.
 */
export async function approvalFor(tool: AgentTool, input: unknown, env: ToolEnv, limits = approvalThresholds()): Promise<ApprovalDecision> {
  if (tool.kind === 'read') return { needed: false };
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) return { needed: false };
  if (tool.kind === 'mutation') return { needed: true, reason: tool.summary?.(parsed.data) ?? `${tool.title}: changes the gateway` };

  const plans = (await tool.plan?.(parsed.data, env).catch(() => [])) ?? [];
  const lines: string[] = [];
  let items = 0;
  let seconds = 0;
  for (const p of plans) {
    let estimate;
    try {
      estimate = await env.caller.jobs.estimate(p);
    } catch {
      continue;
    }
    items += p.items;
    seconds += estimate.estimatedSeconds ?? 0;
    const time = estimate.estimatedSeconds === null ? `time unknown (at most ${estimate.upperBoundSeconds} s)` : `about ${estimate.estimatedSeconds} s`;
    lines.push(`${estimate.model}@${estimate.version} on ${plural(p.items, 'input')}: ${time}. ${estimate.basis}.`);
  }
  const overItems = items > limits.items;
  const overTime = seconds > limits.seconds;
  if (!overItems && !overTime) return { needed: false };
  const why = overItems ? `more than ${plural(limits.items, 'input')}` : `expected to take more than ${limits.seconds} s`;
  return { needed: true, reason: `${tool.title}: ${lines.join(' ')} Needs approval: ${why}.` };
}
