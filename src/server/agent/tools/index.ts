import type { AgentTool } from '../tool-kit';
import { describeModel, inferSchemas, listConsensusStrategies, listDatasets, searchModels } from './catalog-tools';
import { cancelJob, evaluationMetrics, jobResults, jobStatus, listJobs, summarizeJobResults } from './job-tools';
import { buildConsensus, draftRegistration } from './registry-tools';
import { compareModels, estimateRun, evaluateModel, predict, submitScreen } from './run-tools';

/** Every tool of the agent, for the chat and for MCP alike. */
export const AGENT_TOOLS: readonly AgentTool[] = [
  searchModels,
  describeModel,
  predict,
  estimateRun,
  submitScreen,
  jobStatus,
  listJobs,
  jobResults,
  summarizeJobResults,
  compareModels,
  listDatasets,
  evaluateModel,
  evaluationMetrics,
  listConsensusStrategies,
  buildConsensus,
  inferSchemas,
  draftRegistration,
  cancelJob,
] as AgentTool[];

export function findAgentTool(name: string): AgentTool | undefined {
  return AGENT_TOOLS.find((t) => t.name === name);
}
