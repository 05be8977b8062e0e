import type { inferRouterOutputs } from '@trpc/server';
import type { UIMessage } from 'ai';
import type { AppRouter } from '@/server/api/root';
import type { describeModel, searchModels } from '@/server/agent/tools/catalog-tools';
import type { evaluationMetrics, jobStatus, summarizeJobResults } from '@/server/agent/tools/job-tools';
import type { buildConsensus } from '@/server/agent/tools/registry-tools';
import type { compareModels, estimateRun, predict, submitScreen } from '@/server/agent/tools/run-tools';

type Outputs = inferRouterOutputs<AppRouter>;
export type AgentStatus = Outputs['agent']['status'];
export type ConversationSummary = Outputs['agent']['conversations']['list'][number];

type OutputOf<T extends { run: (...args: never[]) => Promise<unknown> }> = Exclude<Awaited<ReturnType<T['run']>>, { error: { code: string; message: string } }>;
export type SearchOutput = OutputOf<typeof searchModels>;
export type DescribeOutput = OutputOf<typeof describeModel>;
export type PredictOutput = OutputOf<typeof predict>;
export type EstimateOutput = OutputOf<typeof estimateRun>;
export type SubmitOutput = OutputOf<typeof submitScreen>;
export type JobStatusOutput = OutputOf<typeof jobStatus>;
export type SummaryOutput = OutputOf<typeof summarizeJobResults>;
export type CompareOutput = OutputOf<typeof compareModels>;
export type MetricsOutput = OutputOf<typeof evaluationMetrics>;
export type RegistrationOutput = OutputOf<typeof buildConsensus>;

export type ToolError = { error: { code: string; message: string } };

export type AgentPart = UIMessage['parts'][number];

/** A tool call as the panel draws it. */
export interface ToolCallView {
  name: string;
  toolCallId: string;
  state: 'input-streaming' | 'input-available' | 'approval-requested' | 'approval-responded' | 'output-available' | 'output-error' | 'output-denied';
  input: Record<string, unknown> | undefined;
  output: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean; requestReason?: string; reason?: string };
}

export const isToolError = (v: unknown): v is ToolError =>
  typeof v === 'object' && v !== null && 'error' in v && typeof (v as ToolError).error?.code === 'string';
