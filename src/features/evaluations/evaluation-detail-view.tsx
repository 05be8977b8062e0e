'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { PageError } from '@/components/ui/page-error';
import { PageLoading } from '@/components/ui/page-loading';
import { isActive } from '@/features/jobs/jobs';
import { useLiveJob } from '@/features/jobs/use-live-job';
import { useTRPC } from '@/lib/trpc';
import { CalibrationTable } from './calibration-table';
import { CrossValidationCard } from './cross-validation-card';
import { EvaluationSummary } from './evaluation-summary';
import { FitPanel } from './fit-panel';
import { MetricsTable } from './metrics-table';
import { ParityCard } from './parity-card';

export function EvaluationDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Progress polls the light job every second; the evaluation (every point, and so the members' progress) every few seconds, and once at the end.
  const evaluation = useQuery(
    trpc.evaluations.get.queryOptions(
      { id },
      {
        // Folds are retrained after the job has ended: keep polling until the out-of-fold table is there.
        refetchInterval: (q) => {
          const d = q.state.data;
          if (isActive(d?.job.status)) return 3000;
          return d?.crossValidation && !d.crossValidation.report ? 5000 : false;
        },
      },
    ),
  );
  const jobId = evaluation.data?.job.id ?? '';
  const job = useLiveJob(jobId, () => void queryClient.invalidateQueries({ queryKey: trpc.evaluations.get.queryKey({ id }) }));

  if (evaluation.isPending) return <PageLoading testId="evaluation-loading">Loading evaluation…</PageLoading>;
  if (evaluation.isError) return <PageError error={evaluation.error} backHref="/evaluations" backLabel="← All evaluations" testId="evaluation-error" />;
  const e = evaluation.data;
  // The evaluation's own job can be older than the last poll of it.
  const currentJob = job.data && (job.data.itemsDone + job.data.itemsFailed >= e.job.itemsDone + e.job.itemsFailed) ? job.data : e.job;
  const running = isActive(currentJob.status);
  const scored = e.metrics.some((m) => m.n > 0);
  const members = e.metrics
    .filter((m) => m.role === 'member')
    .map((m) => ({ key: m.name, answered: e.points.filter((p) => p.members[m.name] !== null && p.members[m.name] !== undefined).length }));
  return (
    <div className="stack">
      <div className="breadcrumbs muted">
        <Link href="/evaluations">Evaluations</Link> / <span>{id.slice(0, 8)}</span>
      </div>
      <EvaluationSummary evaluation={e} job={currentJob} members={members} />
      {currentJob.status === 'failed' && (
        <ErrorBox code="MODEL_ERROR" message="every molecule failed; open the job to see why" testId="evaluation-job-failed" />
      )}
      <section className="card stack-sm" data-testid="metrics-card">
        <div className="row spread wrap">
          <h2>
            Metrics <Badge tone="amber" testId="metrics-in-sample">in-sample</Badge>
          </h2>
          {running && <span className="muted small">so far; final when the job ends</span>}
        </div>
        <p className="muted small" data-testid="metrics-basis">
          {e.folds
            ? 'The models as published, on every molecule: a trained model has learnt many of these molecules, so its in-sample figures are optimistic. The out-of-fold table below is the fair one.'
            : 'The models as published, on every molecule. A trained model or a fitted consensus may have learnt these molecules: cross-validate (folds) for out-of-fold figures.'}
        </p>
        {scored ? <MetricsTable metrics={e.metrics} /> : <p className="muted" data-testid="metrics-empty">No predictions yet.</p>}
        {e.statedCalibration && (
          <CalibrationTable
            report={e.statedCalibration}
            testId="stated-calibration"
            intro="The uncertainty this version states with each result, against what happened on these molecules: error against the members’ spread."
          />
        )}
      </section>
      {e.crossValidation && <CrossValidationCard cv={e.crossValidation} />}
      {scored && <ParityCard evaluation={e} />}
      {e.isConsensus && <FitPanel evaluation={e} />}
    </div>
  );
}
