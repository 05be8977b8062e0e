'use client';

import Link from 'next/link';
import { Fragment } from 'react';
import { Table, numeric } from '@/components/ui/table';
import { MetricsTable } from '@/features/evaluations/metrics-table';
import { MoleculeImage } from '@/features/outputs/molecule-image';
import { formatValue } from '@/lib/format';
import type { CompareOutput, DescribeOutput, EstimateOutput, MetricsOutput, PredictOutput, RegistrationOutput, SearchOutput, SummaryOutput } from '../agent-types';

export function PredictionCard({ output }: { output: PredictOutput }) {
  const smiles = typeof output.input.smiles === 'string' ? output.input.smiles : null;
  return (
    <div className="agent-card" data-testid="agent-prediction">
      <div className="agent-card-title row spread">
        <span>
          Prediction <code>{`${output.model}@${output.version}`}</code>
        </span>
        <Link href={output.link}>job</Link>
      </div>
      <div className="row agent-prediction">
        {smiles && <MoleculeImage smiles={smiles} width={120} height={90} testId="agent-molecule" />}
        {output.error ? (
          <span className="small">
            <span className="error-code">{output.error.code}</span> {output.error.message}
          </span>
        ) : (
          <dl className="kv small">
            {Object.entries(output.output ?? {}).slice(0, 8).map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd data-testid={`agent-prediction-${k}`}>{formatValue(v)}</dd>
              </Fragment>
            ))}
          </dl>
        )}
      </div>
    </div>
  );
}

export function SummaryCard({ output }: { output: SummaryOutput }) {
  return (
    <div className="agent-card" data-testid="agent-summary">
      <div className="agent-card-title row spread">
        <span>
          Top {output.top.length} by <code>{output.field}</code>
        </span>
        <Link href={output.link}>all results</Link>
      </div>
      <p className="small muted">
        {output.succeeded} succeeded, {output.failed} failed{output.note ? ` (${output.note})` : ''}
      </p>
      <Table head={['', 'Molecule', numeric(output.field ?? 'value')]} className="compact">
        {output.top.map((t) => (
          <tr key={t.index} data-testid="agent-summary-row">
            <td>{t.molecule && <MoleculeImage smiles={t.molecule} width={72} height={54} />}</td>
            <td>
              <code>{t.molecule}</code>
            </td>
            <td className="num">{formatValue(t.value)}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

export function ModelsCard({ output }: { output: SearchOutput }) {
  return (
    <div className="agent-card" data-testid="agent-models">
      <div className="agent-card-title">
        {output.total} model{output.total === 1 ? '' : 's'} found
      </div>
      <ul className="agent-list small">
        {output.models.slice(0, 8).map((m) => (
          <li key={m.slug}>
            <Link href={m.link}>{m.slug}</Link> <span className="muted">{m.task}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ModelCard({ output }: { output: DescribeOutput }) {
  return (
    <div className="agent-card" data-testid="agent-model">
      <div className="agent-card-title row spread">
        <span>
          {output.name} <code>{output.slug}</code>
        </span>
        <Link href={output.link}>open</Link>
      </div>
      <p className="small muted">
        {output.task} · {output.versions.length} version{output.versions.length === 1 ? '' : 's'} shown · {output.usage.invocations} calls in {output.usage.days} days
      </p>
    </div>
  );
}

export function EstimateCard({ output }: { output: EstimateOutput }) {
  return (
    <div className="agent-card" data-testid="agent-estimate">
      <div className="agent-card-title">
        Estimate <code>{`${output.model}@${output.version}`}</code>:{' '}
        {output.estimatedSeconds === null ? `at most ${output.upperBoundSeconds} s` : `about ${output.estimatedSeconds} s`}
      </div>
      <p className="small muted">{output.basis}</p>
    </div>
  );
}

export function MetricsCard({ output }: { output: MetricsOutput }) {
  return (
    <div className="agent-card" data-testid="agent-metrics">
      <div className="agent-card-title row spread">
        <span>
          <code>{output.model}</code> on {output.dataset.name}
        </span>
        <Link href={output.link}>open</Link>
      </div>
      {output.finished ? <MetricsTable metrics={output.metrics} /> : <p className="small muted">The evaluation's job is {output.job.status}.</p>}
    </div>
  );
}

export function CompareCard({ output }: { output: CompareOutput }) {
  if (!('paired' in output)) return <p className="small muted">{output.message}</p>;
  const [a, b] = output.jobs;
  return (
    <div className="agent-card" data-testid="agent-compare">
      <div className="agent-card-title">
        <code>{a.model}</code>.{a.field} vs <code>{b.model}</code>.{b.field}
      </div>
      <p className="small">
        {output.paired} paired · mean |Δ| {formatValue(output.meanAbsDiff)} · RMS Δ {formatValue(output.rmsDiff)} · r {formatValue(output.pearson)}
      </p>
      <Table head={['Molecule', numeric('A'), numeric('B'), numeric('Δ')]} className="compact">
        {output.largestDisagreements.map((r) => (
          <tr key={r.index}>
            <td>
              <code>{r.molecule}</code>
            </td>
            <td className="num">{formatValue(r.a)}</td>
            <td className="num">{formatValue(r.b)}</td>
            <td className="num">{formatValue(r.diff)}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

export function RegistrationCard({ output }: { output: RegistrationOutput }) {
  return (
    <div className="agent-card" data-testid="agent-registration">
      <div className="agent-card-title row spread">
        <span>
          <code>{`${output.slug}@${output.version}`}</code> {output.status}
        </span>
        <Link href={output.link}>{output.outcome === 'draft' ? 'review in the wizard' : 'open'}</Link>
      </div>
      {output.smokeTest && (
        <p className="small muted">
          Smoke test {output.smokeTest.ok ? 'passed' : `failed: ${output.smokeTest.code ?? ''} ${output.smokeTest.message ?? ''}`}
        </p>
      )}
    </div>
  );
}
