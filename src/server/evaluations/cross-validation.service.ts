import type { PgBoss } from 'pg-boss';
import { resolveMembers } from '../consensus/consensus.service';
import { assignFolds } from '../consensus/cross-validation';
import type { StrategyParams } from '../consensus/strategy';
import type { DbOrTx } from '../db/client';
import { AppError } from '../errors';
import type { ModelVersion } from '../models/models.types';
import { enqueueMany } from '../queue/boss';
import * as folds from './folds.repository';
import { outOfFoldReport, type OofReport, type OofSeries } from './oof-report';

export const MIN_FOLDS = 2;
export const MAX_FOLDS = 20;

/** A trained model an evaluation retrains per fold: the evaluated model itself ('') or a member of the consensus. */
interface FoldTarget {
  key: string;
  version: ModelVersion;
  field: string;
}

const trainable = (v: ModelVersion) => v.runtime.kind === 'process' && !!v.runtime.training;

/** Which models of `version` learn from data and can be retrained per fold (runtime.training). */
export async function foldTargets(db: DbOrTx, version: ModelVersion, field: string): Promise<FoldTarget[]> {
  if (version.runtime.kind !== 'consensus') return trainable(version) ? [{ key: '', version, field }] : [];
  const members = await resolveMembers(db, version.runtime);
  return members.filter((m) => trainable(m.version)).map((m) => ({ key: m.key, version: m.version, field: m.member.field }));
}

/** Queues every (trained model, fold) of an evaluation, in the caller's transaction. */
export async function queueFolds(tx: DbOrTx, boss: PgBoss, evaluationId: string, targets: FoldTarget[], k: number, rowCount: number, seed: number): Promise<void> {
  if (!Number.isInteger(k) || k < MIN_FOLDS || k > MAX_FOLDS) throw new AppError('INVALID_INPUT', `folds must be an integer from ${MIN_FOLDS} to ${MAX_FOLDS}, got ${k}`);
  assignFolds(rowCount, k, seed); // refuses a dataset smaller than k
  const rows = targets.flatMap((t) => Array.from({ length: k }, (_, fold) => ({ evaluationId, memberKey: t.key, fold, modelVersionId: t.version.id, field: t.field })));
  await folds.insertFolds(tx, rows);
  await enqueueMany(boss, 'evaluation.fold', rows.map((r) => ({ evaluationId, memberKey: r.memberKey, fold: r.fold })), tx);
}

/** The in-sample values an evaluation already has, by row position: the model's own and each member's. */
export interface InSample {
  measured: number[];
  indexes: number[];
  own: (number | null)[];
  ownInDomain: (boolean | null)[];
  members: { key: string; field: string; scale: number; offset: number; values: (number | null)[]; inDomain: (boolean | null)[] }[];
}

export interface CrossValidation {
  folds: number;
  seed: number;
  /** Folds of trained models: how many there are and how they ended. */
  retraining: { total: number; succeeded: number; failed: number; pending: number; errors: { key: string; fold: number; error: string }[] };
  /** Null until every fold has ended. */
  report: OofReport | null;
  /** Fold of each row, by row position. */
  assignment: number[];
  /** Each member's (or the model's) out-of-fold values by row position; empty until every fold has ended. */
  series: OofSeries[];
}

/**
 * The cross-validated side of an evaluation. Retrained models give their fold models' values;
 * models that never learnt from these data (fixed equations, atom increments) give the values of
 * the evaluation's job, which are out of fold by construction; a fitted strategy is fitted on
 * the other folds.
 */
export async function crossValidation(
  db: DbOrTx,
  e: { id: string; folds: number; seed: number },
  version: ModelVersion,
  field: string,
  s: InSample,
): Promise<CrossValidation> {
  const assignment = assignFolds(s.measured.length, e.folds, e.seed);
  const fs = await folds.listFolds(db, e.id);
  const ended = fs.filter((f) => f.status === 'succeeded' || f.status === 'failed');
  const retraining = {
    total: fs.length,
    succeeded: fs.filter((f) => f.status === 'succeeded').length,
    failed: fs.filter((f) => f.status === 'failed').length,
    pending: fs.length - ended.length,
    errors: fs.filter((f) => f.status === 'failed').map((f) => ({ key: f.memberKey, fold: f.fold, error: f.error ?? 'failed' })),
  };
  const position = new Map(s.indexes.map((index, i) => [index, i]));
  const retrained = (key: string, scale = 1, offset = 0) => {
    const mine = fs.filter((f) => f.memberKey === key);
    if (!mine.length) return null;
    const values = new Array<number | null>(s.measured.length).fill(null);
    const inDomain = new Array<boolean | null>(s.measured.length).fill(null);
    for (const f of mine) {
      for (const [index, p] of Object.entries(f.predictions ?? {})) {
        const i = position.get(Number(index));
        if (i === undefined) continue;
        values[i] = p.value === null ? null : p.value * scale + offset;
        inDomain[i] = p.inDomain ?? null;
      }
    }
    return { values, inDomain };
  };
  if (retraining.pending > 0) return { folds: e.folds, seed: e.seed, retraining, report: null, assignment, series: [] };

  let series: OofSeries[];
  let consensus: Parameters<typeof outOfFoldReport>[0]['consensus'] = null;
  if (version.runtime.kind === 'consensus') {
    const runtime = version.runtime;
    series = s.members.map((m) => {
      const r = retrained(m.key, m.scale, m.offset);
      return { key: m.key, field: m.field, source: r ? 'retrained' : 'fixed', values: r?.values ?? m.values, inDomain: r?.inDomain ?? m.inDomain };
    });
    const weights = Object.fromEntries(runtime.members.map((m, i) => [s.members[i]?.key ?? '', m.weight ?? 1]));
    consensus = { name: `${version.slug}@${version.version}`, field, strategy: runtime.strategy, params: runtime.params as StrategyParams, weights };
  } else {
    const r = retrained('');
    series = [{ key: `${version.slug}@${version.version}`, field, source: r ? 'retrained' : 'fixed', values: r?.values ?? s.own, inDomain: r?.inDomain ?? s.ownInDomain }];
  }
  return { folds: e.folds, seed: e.seed, retraining, report: outOfFoldReport({ measured: s.measured, folds: assignment, series, consensus, seed: e.seed }), assignment, series };
}
