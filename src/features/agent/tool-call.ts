import { getToolName, isToolUIPart, type UIMessage } from 'ai';
import type { AgentPart, ToolCallView } from './agent-types';

/** A message part as a tool call, or null when it is text, reasoning or a step marker. */
export function toolCallOf(part: AgentPart): ToolCallView | null {
  if (!isToolUIPart(part)) return null;
  const p = part as unknown as ToolCallView & { errorText?: string };
  return { name: getToolName(part), toolCallId: p.toolCallId, state: p.state, input: p.input, output: p.output, errorText: p.errorText, approval: p.approval };
}

/** The approvals of a message still waiting for the user. */
export function pendingApprovals(message: UIMessage): ToolCallView[] {
  return message.parts.map(toolCallOf).filter((c): c is ToolCallView => c?.state === 'approval-requested');
}

/** What each tool is called in the panel. */
export const TOOL_TITLES: Record<string, string> = {
  search_models: 'Searched models',
  describe_model: 'Described a model',
  predict: 'Prediction',
  estimate_run: 'Estimate',
  submit_screen: 'Screen',
  job_status: 'Job',
  list_jobs: 'Jobs',
  job_results: 'Results',
  summarize_results: 'Summary',
  compare_models: 'Comparison',
  list_datasets: 'Datasets',
  evaluate_model: 'Evaluation',
  evaluation_metrics: 'Metrics',
  list_consensus_strategies: 'Consensus strategies',
  build_consensus: 'Consensus',
  infer_schemas: 'Schemas',
  draft_registration: 'Draft registration',
  cancel_job: 'Cancel a job',
};

export const toolTitle = (name: string) => TOOL_TITLES[name] ?? name;
