'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge } from '@/components/ui/badge';
import { BusyLabel } from '@/components/ui/busy-label';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';
import type { Evaluation } from '@/lib/types';
import { mayEditModel } from '@/shared/permissions';
import { FitResult } from './fit-result';

const STRATEGIES = [
  { name: 'mean', label: 'Calibrate the mean', hint: 'the mean of the members, with an uncertainty learnt here' },
  { name: 'inverse-error', label: 'Fit inverse-error', hint: 'weights 1/RMSE² per member' },
  { name: 'stacking', label: 'Fit stacking', hint: 'least-squares coefficients and intercept' },
] as const;

/** Fits the consensus's weights or coefficients on this evaluation and publishes them as its next version. */
export function FitPanel({ evaluation: e }: { evaluation: Evaluation }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const model = useQuery(trpc.models.get.queryOptions({ slug: e.model }, { staleTime: 60_000 }));
  const viewer = useQuery(trpc.me.get.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  const fit = useMutation(
    trpc.evaluations.fit.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.models.get.queryKey({ slug: e.model }) }) }),
  );
  const finished = e.job.status === 'succeeded' && (!e.crossValidation || !!e.crossValidation.report);
  const mayEdit = model.data && viewer.data ? mayEditModel(viewer.data, model.data) : true;

  return (
    <section className="card stack-sm" data-testid="fit-panel">
      <div>
        <h2>Fit the consensus</h2>
        <p className="muted">
          Learn the members’ weights and the uncertainty for a given spread from these measurements, and publish them as the next version of{' '}
          <code>{e.model}</code>.
        </p>
        <p className="small" data-testid="fit-basis">
          {e.folds ? (
            <>
              <Badge tone="green">out of fold</Badge> Fitted on the {e.folds}-fold out-of-fold values: trained members retrained without each molecule’s fold.
            </>
          ) : (
            <>
              <Badge tone="amber">in-sample</Badge> Fitted and scored on the same molecules: cross-validate the evaluation (folds) to fit on out-of-fold values.
            </>
          )}
        </p>
      </div>
      {!mayEdit && (
        <p className="muted small" data-testid="fit-not-owner">
          Only the owner of {e.model} or an admin can publish a fitted version; the gateway will refuse it for you.
        </p>
      )}
      <div className="row wrap">
        {STRATEGIES.map((s) => (
          <button
            key={s.name}
            type="button"
            className="btn btn-secondary"
            title={s.hint}
            disabled={!finished || fit.isPending}
            onClick={() => fit.mutate({ id: e.id, strategy: s.name })}
            data-testid={`fit-${s.name}`}
          >
            {fit.isPending && fit.variables?.strategy === s.name ? <BusyLabel>Fitting and smoke-testing…</BusyLabel> : s.label}
          </button>
        ))}
        {!finished && <span className="muted small">Available once the evaluation has succeeded.</span>}
      </div>
      {fit.isError && <ErrorBox error={fit.error} testId="fit-error" />}
      {fit.isSuccess && fit.variables && <FitResult fit={fit.data} strategy={fit.variables.strategy} field={e.outputField} />}
    </section>
  );
}
