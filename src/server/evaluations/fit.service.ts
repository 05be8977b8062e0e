import { memberKey } from '../../shared/consensus-member';
import { bootstrapRmse, pairedBootstrapRmseDifference } from '../consensus/bootstrap';
import { combineRow, crossValidateConsensus } from '../consensus/cross-validation';
import { fitInverseError, fitStacking, type EvaluationRow } from '../consensus/fit';
import { regressionMetrics } from '../consensus/metrics';
import { fitSpreadCalibration, type SpreadCalibration } from '../consensus/uncertainty';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { resolveModelRef } from '../models/models.service';
import { runSmokeTest } from '../models/smoke-test.service';
import { createDraftVersion, publishVersion } from '../models/versions.service';
import type { Viewer } from '../users/viewer';
import type { CrossValidation } from './cross-validation.service';
import { loadEvaluation } from './evaluations.service';

export const FIT_STRATEGIES = ['mean', 'median', 'inverse-error', 'stacking'] as const;
export type FitStrategy = (typeof FIT_STRATEGIES)[number];

/**
 * Publishes the consensus's next version from a finished evaluation (smoke-tested like any
 * version): the strategy, optionally fewer members, inverse-error or stacking params, and an
 * uncertainty calibrated on the evaluation. A cross-validated evaluation fits on out-of-fold
 * values (the members' fold models, the consensus combined on the other folds), and the version
 * records its out-of-fold table in its provenance; otherwise the fit is in-sample, and says so.
 */
export async function fitFromEvaluation(deps: Deps, viewer: Viewer, { id, strategy, members: keep }: { id: string; strategy: FitStrategy; members?: string[] }) {
  const evaluation = await loadEvaluation(deps, viewer, { id });
  if (evaluation.job.status !== 'succeeded') throw new AppError('CONFLICT', `the evaluation is ${evaluation.job.status}; fit from a finished one`);
  const version = await resolveModelRef(deps.db, `${evaluation.model}@${evaluation.version}`);
  if (version.runtime.kind !== 'consensus') throw new AppError('INVALID_INPUT', `${evaluation.model} is not a consensus; only a consensus has members to weigh`);
  const cv = evaluation.crossValidation;
  if (evaluation.folds && !cv?.report) throw new AppError('CONFLICT', `the evaluation's folds have not all ended (${cv?.retraining.pending ?? '?'} pending); fit once they have`);
  const allKeys = version.runtime.members.map((m) => memberKey(m));
  const chosen = keep ?? allKeys;
  const unknown = chosen.filter((k) => !allKeys.includes(k));
  if (unknown.length) throw new AppError('INVALID_INPUT', `members names ${unknown.join(', ')}, not members of ${version.slug}@${version.version}; its members are ${allKeys.join(', ')}`);
  if (!chosen.length) throw new AppError('INVALID_INPUT', 'members must name at least one member');

  const measured = evaluation.points.map((p) => p.measured);
  const series = cv?.report
    ? Object.fromEntries(cv.report.entries.filter((e) => e.role === 'member').map((e) => [e.name, e]))
    : null;
  // Out of fold when cross-validated (the report's member series), else the job's values.
  const valuesOf = (key: string): (number | null)[] => (cv ? (cvSeries(cv, key) ?? []) : evaluation.points.map((p) => p.members[key] ?? null));
  const rows: EvaluationRow[] = measured.map((m, i) => ({ measured: m, predictions: Object.fromEntries(chosen.map((k) => [k, valuesOf(k)[i] ?? null])) }));
  let params: Record<string, unknown> = {};
  try {
    if (strategy === 'inverse-error') params = { ...fitInverseError(rows) };
    if (strategy === 'stacking') params = { coefficients: fitStacking(rows) };
  } catch (e) {
    throw new AppError('INVALID_INPUT', (e as Error).message);
  }
  // The uncertainty is learnt on the errors this consensus makes out of fold (fitted strategies fitted on the other folds).
  const assignment = cv?.assignment ?? measured.map(() => 0);
  const combined = cv ? crossValidateConsensus(strategy, {}, rows, assignment).rows : rows.map((r) => combineRow(strategy, params, r.predictions));
  const inDomain = cv ? domainOfRows(cv, chosen, measured.length) : measured.map(() => null);
  let uncertainty: SpreadCalibration | undefined;
  try {
    uncertainty = fitSpreadCalibration(
      combined.flatMap((c, i) => (c.value === null || c.spread === null ? [] : [{ error: c.value - measured[i], spread: c.spread, inDomain: inDomain[i] ?? undefined }])),
      { outOfFold: !!cv, evaluationId: evaluation.id, dataset: evaluation.dataset.name },
    );
  } catch {
    uncertainty = undefined; // one member has no spread: nothing to calibrate
  }
  const { uncertainty: _old, errors: _e, coefficients: _c, ...kept } = version.runtime.params as Record<string, unknown>;
  const runtime = {
    ...version.runtime,
    members: version.runtime.members.filter((m) => chosen.includes(memberKey(m))),
    quorum: Math.min(version.runtime.quorum, chosen.length),
    strategy,
    params: { ...kept, ...params, ...(uncertainty ? { uncertainty } : {}) },
  };
  const oof = combined.map((c) => c.value);
  const provenance = {
    kind: 'fitted',
    fittedOn: { evaluationId: evaluation.id, dataset: evaluation.dataset.name, rows: measured.length, basis: cv ? 'out-of-fold' : 'in-sample', folds: evaluation.folds, seed: evaluation.seed },
    from: `${version.slug}@${version.version}`,
    ...(cv?.report
      ? {
          crossValidation: {
            folds: evaluation.folds,
            seed: evaluation.seed,
            self: {
              strategy,
              members: chosen,
              ...regressionMetrics(oof.flatMap((v, i) => (v === null ? [] : [{ predicted: v, measured: measured[i] }]))),
              rmseInterval: bootstrapRmse(oof.flatMap((v, i) => (v === null ? [] : [v - measured[i]])), { seed: evaluation.seed }),
            },
            members: Object.values(series ?? {}).map((e) => ({ name: e.name, source: e.source, ...e.metrics, rmseInterval: e.rmseInterval })),
            bestMember: cv.report.bestMember,
            vsBestMember: cv.report.bestMember ? pairedVsBest(oof, cvSeries(cv, cv.report.bestMember) ?? [], measured, evaluation.seed) : null,
            candidates: cv.report.candidates.map((c) => ({ members: c.members, strategy: c.strategy, rmse: c.metrics.rmse, vsBestMember: c.vsBestMember })),
          },
        }
      : {}),
  };
  const draft = await createDraftVersion(deps, viewer, {
    slug: version.slug,
    spec: {
      runtime,
      inputSchema: version.inputSchema,
      outputSchema: version.outputSchema,
      resources: version.resources,
      batchSize: version.batchSize,
      timeoutMs: version.timeoutMs,
      example: version.example,
      provenance,
    },
  });
  const { result } = await runSmokeTest(deps, viewer, { versionId: draft.id });
  if (!result.ok) throw new AppError(result.code === 'INVALID_INPUT' ? 'INVALID_INPUT' : 'MODEL_ERROR', `the fitted version ${version.slug}@${draft.version} failed its smoke test: ${result.message}`);
  return { version: await publishVersion(deps, viewer, { versionId: draft.id }), params: runtime.params as Record<string, unknown>, members: chosen, provenance };
}

function pairedVsBest(a: (number | null)[], b: (number | null)[], measured: number[], seed: number) {
  const both = measured.flatMap((m, i) => (a[i] != null && b[i] != null ? [[a[i]! - m, b[i]! - m]] : []));
  return pairedBootstrapRmseDifference(both.map((x) => x[0]), both.map((x) => x[1]), { seed });
}

function cvSeries(cv: CrossValidation, key: string): (number | null)[] | null {
  return cv.series.find((s) => s.key === key)?.values ?? null;
}

function domainOfRows(cv: CrossValidation, keys: string[], n: number): (boolean | null)[] {
  const said = cv.series.filter((s) => keys.includes(s.key));
  return Array.from({ length: n }, (_, i) => {
    const flags = said.map((s) => s.inDomain[i]).filter((d): d is boolean => d !== null);
    return flags.length ? flags.every(Boolean) : null;
  });
}
