'use client';

import type { CompareOutput, DescribeOutput, EstimateOutput, JobStatusOutput, MetricsOutput, PredictOutput, RegistrationOutput, SearchOutput, SubmitOutput, SummaryOutput, ToolCallView } from '../agent-types';
import { isToolError } from '../agent-types';
import { toolTitle } from '../tool-call';
import { ApprovalCard } from './approval-card';
import { JobCard } from './job-card';
import { CompareCard, EstimateCard, MetricsCard, ModelCard, ModelsCard, PredictionCard, RegistrationCard, SummaryCard } from './result-cards';

function ToolError({ call, code, message }: { call: ToolCallView; code: string; message: string }) {
  return (
    <div className="agent-card agent-card-error" data-testid="agent-tool-error" data-tool={call.name}>
      <div className="agent-card-title">{toolTitle(call.name)}</div>
      <p className="small">
        <span className="error-code" data-testid="agent-tool-error-code">
          {code}
        </span>{' '}
        <span data-testid="agent-tool-error-message">{message}</span>
      </p>
    </div>
  );
}

function Output({ call }: { call: ToolCallView }) {
  const out = call.output;
  switch (call.name) {
    case 'predict':
      return <PredictionCard output={out as PredictOutput} />;
    case 'submit_screen':
      return <JobCard jobId={(out as SubmitOutput).jobId} title="Screen" />;
    case 'job_status':
      return <JobCard jobId={(out as JobStatusOutput).jobId} title="Job" />;
    case 'summarize_results':
      return <SummaryCard output={out as SummaryOutput} />;
    case 'search_models':
      return <ModelsCard output={out as SearchOutput} />;
    case 'describe_model':
      return <ModelCard output={out as DescribeOutput} />;
    case 'estimate_run':
      return <EstimateCard output={out as EstimateOutput} />;
    case 'evaluation_metrics':
      return <MetricsCard output={out as MetricsOutput} />;
    case 'compare_models':
      return <CompareCard output={out as CompareOutput} />;
    case 'build_consensus':
    case 'draft_registration':
      return <RegistrationCard output={out as RegistrationOutput} />;
    default:
      return (
        <details className="agent-card small" data-testid="agent-tool-output" data-tool={call.name}>
          <summary>{toolTitle(call.name)}</summary>
          <pre className="agent-json">{JSON.stringify(out, null, 2)}</pre>
        </details>
      );
  }
}

/** One tool call of the conversation, drawn for what it is and where it stands. */
export function ToolCard({ call, onAnswer, busy }: { call: ToolCallView; onAnswer: (call: ToolCallView, approved: boolean) => void; busy: boolean }) {
  switch (call.state) {
    case 'input-streaming':
    case 'input-available':
      return (
        <p className="small muted agent-running" data-testid="agent-tool-running" data-tool={call.name}>
          {toolTitle(call.name)}…
        </p>
      );
    case 'approval-requested':
    case 'approval-responded':
      return <ApprovalCard call={call} onAnswer={(approved) => onAnswer(call, approved)} disabled={busy} />;
    case 'output-denied':
      return (
        <p className="small muted" data-testid="agent-tool-denied" data-tool={call.name}>
          {toolTitle(call.name)} not run{call.approval?.reason ? `: ${call.approval.reason}` : ' (denied)'}.
        </p>
      );
    case 'output-error':
      return <ToolError call={call} code="AGENT_ERROR" message={call.errorText ?? 'the tool failed'} />;
    case 'output-available':
      return isToolError(call.output) ? <ToolError call={call} code={call.output.error.code} message={call.output.error.message} /> : <Output call={call} />;
  }
}
