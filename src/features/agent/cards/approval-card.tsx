'use client';

import type { ToolCallView } from '../agent-types';
import { toolTitle } from '../tool-call';

function ArgumentsSummary({ call }: { call: ToolCallView }) {
  const input = call.input ?? {};
  const inputs = Array.isArray(input.inputs) ? (input.inputs as Record<string, unknown>[]) : null;
  if (inputs) {
    const shown = inputs.slice(0, 5).map((i) => String(i.smiles ?? JSON.stringify(i)));
    return (
      <p className="small" data-testid="agent-approval-args">
        <code>{String(input.model)}</code> on <strong>{inputs.length.toLocaleString()}</strong> input{inputs.length === 1 ? '' : 's'}: {shown.join(', ')}
        {inputs.length > shown.length ? ', …' : ''}
      </p>
    );
  }
  return (
    <details className="small" data-testid="agent-approval-args">
      <summary>Arguments</summary>
      <pre className="agent-json">{JSON.stringify(input, null, 2)}</pre>
    </details>
  );
}

/** A call waiting for the user: what it would do, the estimate, and Approve / Deny. */
export function ApprovalCard({ call, onAnswer, disabled }: { call: ToolCallView; onAnswer: (approved: boolean) => void; disabled: boolean }) {
  return (
    <div className="agent-card agent-approval" data-testid="agent-approval" data-tool={call.name} data-state={call.state}>
      <div className="agent-card-title">
        <span className="badge badge-amber">needs approval</span> {toolTitle(call.name)}
      </div>
      {call.approval?.requestReason && (
        <p className="small" data-testid="agent-approval-reason">
          {call.approval.requestReason}
        </p>
      )}
      <ArgumentsSummary call={call} />
      {call.state === 'approval-requested' ? (
        <div className="row">
          <button type="button" className="btn btn-primary btn-sm" onClick={() => onAnswer(true)} disabled={disabled} data-testid="agent-approve">
            Approve
          </button>
          <button type="button" className="btn btn-secondary btn-sm" onClick={() => onAnswer(false)} disabled={disabled} data-testid="agent-deny">
            Deny
          </button>
        </div>
      ) : (
        <p className="small muted" data-testid="agent-approval-answer">
          {call.approval?.approved ? 'Approved; running…' : 'Denied.'}
        </p>
      )}
    </div>
  );
}
