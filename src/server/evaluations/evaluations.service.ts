import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { audit } from '../audit/audit.service';
import { moleculeFields } from '../chem/inputs';
import { canonicalizeMany } from '../chem/rdkit';
import { assignFolds } from '../consensus/cross-validation';
import { calibrationReport, type Uncertainty } from '../consensus/uncertainty';
import { crossValidation, foldTargets, MAX_FOLDS, MIN_FOLDS, queueFolds } from './cross-validation.service';
import { memberKey } from '../../shared/consensus-member';
import { regressionMetrics } from '../consensus/metrics';
import type { Kysely } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { DB } from '../db/types';
import type { Deps } from '../deps';
import { AppError, isAppError } from '../errors';
import * as memberJobsRepo from '../jobs/member-jobs.repository';
import { getJobWithMembers, submitJob } from '../jobs/jobs.service';
import { projectRoot } from '../models/manifest';
import { getVersionById, modelFor, resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import type { Viewer } from '../users/viewer';
import { parseMeasuredCsv, type BadLine, type MeasuredRow } from './csv';
import * as datasets from './datasets.repository';
import * as repo from './evaluations.repository';

/** Folders whose CSV files can be named instead of uploaded (DATASETS_DIR, colon-separated). */
function datasetRoots(): string[] {
  return (process.env.DATASETS_DIR ?? path.resolve(projectRoot, '../shared/data')).split(':').filter(Boolean);
}

type DbDeps = Pick<Deps, 'db'>;

/** Most unusable lines a refusal (or a report of dropped lines) lists; the count covers them all. */
export const MAX_LISTED_LINES = 100;

function linesText(bad: BadLine[]): string {
  const listed = bad.slice(0, MAX_LISTED_LINES).map((b) => `line ${b.line}: ${b.reason}`);
  return `${listed.join('; ')}${bad.length > MAX_LISTED_LINES ? `; … and ${bad.length - MAX_LISTED_LINES} more` : ''}`;
}

/**
 * A dataset from a CSV. Lines that cannot be used — no SMILES, a value that is not a number, a
 * SMILES past the limits or that RDKit cannot parse — refuse the upload with their line numbers,
 * unless `dropInvalidRows` is set: then the other rows are kept and the answer lists what was dropped.
 */
export async function createDatasetFromCsv(
  { db }: { db: DbOrTx },
  viewer: Viewer | null,
  d: { name: string; csv: string; source?: string; smilesColumn?: string; valueColumn?: string; units?: string; dropInvalidRows?: boolean },
) {
  const parsed = parseMeasuredCsv(d.csv, d);
  const bad = [...parsed.bad];
  const outcomes = await canonicalizeMany('smiles', parsed.rows.map((r) => r.smiles), { requester: viewer?.id });
  const rows: MeasuredRow[] = [];
  parsed.rows.forEach((r, i) => {
    const o = outcomes[i];
    if ('canonical' in o) rows.push({ smiles: r.smiles, measured: r.measured });
    else bad.push({ line: r.line, reason: `the SMILES "${r.smiles.slice(0, 40)}${r.smiles.length > 40 ? '…' : ''}" ${o.problem === 'invalid' ? 'is not valid (RDKit cannot parse it)' : o.message}` });
  });
  bad.sort((a, b) => a.line - b.line);
  if (bad.length && !d.dropInvalidRows) {
    throw new AppError(
      'INVALID_INPUT',
      `${bad.length} line${bad.length === 1 ? '' : 's'} of the CSV cannot be used: ${linesText(bad)}. Fix them, or upload again choosing to drop invalid rows (dropInvalidRows) to keep the other ${rows.length}`,
      { badLines: bad.slice(0, MAX_LISTED_LINES), badLineCount: bad.length },
    );
  }
  if (!rows.length) throw new AppError('INVALID_INPUT', `no line of the CSV can be used: ${linesText(bad)}`);
  const insert = async (tx: DbOrTx) => {
    const dataset = await datasets.insertDataset(tx, { ownerId: viewer?.id ?? null, name: d.name, source: d.source ?? 'upload', valueName: parsed.valueColumn, units: d.units ?? null, rows });
    // Seeding's reference data has no viewer and is no one's mutation.
    if (viewer) {
      await audit(tx, viewer, {
        action: 'dataset.create',
        entity: { type: 'dataset', id: dataset.id },
        after: { name: dataset.name, source: d.source ?? 'upload', rows: rows.length, dropped: bad.length },
      });
    }
    return dataset;
  };
  // The dataset and all its rows, or nothing.
  const dataset = await (db.isTransaction ? insert(db) : (db as Kysely<DB>).transaction().execute(insert));
  return { ...dataset, dropped: { count: bad.length, lines: bad.slice(0, MAX_LISTED_LINES) } };
}

/** A CSV file on the server, by name, from one of the dataset folders. */
export async function importServerDataset({ db }: DbDeps, viewer: Viewer, d: { file: string; name?: string; units?: string; dropInvalidRows?: boolean }) {
  const roots = datasetRoots();
  const file = roots.map((r) => path.resolve(r, d.file)).find((f) => roots.some((r) => f.startsWith(path.resolve(r) + path.sep)) && existsSync(f));
  if (!file) throw new AppError('NOT_FOUND', `no file "${d.file}" in the dataset folders (${roots.join(', ')}); upload it instead`);
  return createDatasetFromCsv({ db }, viewer, {
    name: d.name ?? path.basename(file, '.csv'),
    csv: await fs.readFile(file, 'utf8'),
    source: `file:${path.basename(file)}`,
    units: d.units,
    dropInvalidRows: d.dropInvalidRows,
  });
}

/** The shared reference data (Huuskonen solubility), read from ../shared/data when it is there. */
export async function seedReferenceDatasets({ db }: { db: DbOrTx }, log: (line: string) => void = () => {}): Promise<void> {
  const file = path.join(datasetRoots()[0] ?? '', 'huuskonen-solubility-train.csv');
  if (!existsSync(file)) return log(`skipped: reference dataset ${file} not found`);
  const source = 'file:huuskonen-solubility-train.csv';
  if (await datasets.findSharedDatasetBySource(db, source)) return;
  // Reference data is kept whatever a line says; what was dropped is logged.
  const d = await createDatasetFromCsv(
    { db },
    null,
    { name: 'Huuskonen aqueous solubility (train)', csv: await fs.readFile(file, 'utf8'), source, units: 'log10(mol/L)', dropInvalidRows: true },
  );
  log(`reference dataset: ${d.name}, ${d.rowCount} molecules${d.dropped.count ? `, ${d.dropped.count} unusable lines dropped` : ''}`);
}

async function visibleDataset(db: DbOrTx, viewer: Viewer, id: string) {
  const d = await datasets.findDataset(db, id);
  if (!d || (d.ownerId !== null && d.ownerId !== viewer.id && viewer.role !== 'admin')) throw new AppError('NOT_FOUND', `no dataset ${id} visible to you`);
  return d;
}

export async function listDatasets({ db }: DbDeps, viewer: Viewer) {
  return datasets.listDatasets(db, viewer.id);
}

function numericFields(v: ModelVersion): string[] {
  const props = (v.outputSchema.properties ?? {}) as Record<string, { type?: string }>;
  return Object.entries(props).filter(([, p]) => p.type === 'number' || p.type === 'integer').map(([k]) => k);
}

/**
 * Runs a model or consensus on a dataset's molecules as an ordinary job, to compare with the
 * measured values. With `folds`, it is also cross-validated: every trained model in it (the model
 * itself, or consensus members with a training mode) is retrained once per fold on the worker.
 */
export async function startEvaluation(
  deps: Pick<Deps, 'db' | 'boss'>,
  viewer: Viewer,
  e: { model: string; datasetId: string; outputField?: string; folds?: number; seed?: number },
) {
  const { db } = deps;
  if (e.folds !== undefined && !(Number.isInteger(e.folds) && e.folds >= MIN_FOLDS && e.folds <= MAX_FOLDS)) {
    throw new AppError('INVALID_INPUT', `folds must be an integer from ${MIN_FOLDS} to ${MAX_FOLDS}, got ${e.folds}`, { field: 'folds' });
  }
  const version = await resolveModelRef(db, viewer, e.model);
  const dataset = await visibleDataset(db, viewer, e.datasetId);
  const fields = numericFields(version);
  const field =
    e.outputField ?? (version.runtime.kind === 'consensus' ? version.runtime.outputField : fields.includes(dataset.valueName) ? dataset.valueName : fields[0]);
  if (!field || !fields.includes(field)) {
    throw new AppError('INVALID_INPUT', `${version.slug} has no numeric output "${field ?? ''}" to compare with ${dataset.valueName}; choose one of ${fields.join(', ') || '(none)'}`);
  }
  const smilesField = moleculeFields(version.inputSchema).find((f) => f.format === 'smiles')?.name;
  if (!smilesField) throw new AppError('INVALID_INPUT', `${version.slug} takes no SMILES input, so it cannot be evaluated on a SMILES dataset`);
  const rows = await datasets.datasetRows(db, dataset.id);
  const seed = e.seed ?? 42;
  if (e.folds !== undefined) assignFolds(rows.length, e.folds, seed);
  const targets = e.folds !== undefined ? await foldTargets(db, viewer, version, field) : [];
  let id = '';
  // The evaluation, its folds and their queue entries are written in the job's transaction: all exist, or none.
  const job = await submitJob(
    deps,
    viewer,
    { model: `${version.slug}@${version.version}`, inputs: rows.map((r) => ({ [smilesField]: r.smiles })), label: `evaluation on ${dataset.name}` },
    {
      within: async (tx, job) => {
        id = await repo.insertEvaluation(tx, { ownerId: viewer.id, datasetId: dataset.id, jobId: job.id, outputField: field, folds: e.folds ?? null, seed });
        if (e.folds !== undefined) await queueFolds(tx, deps.boss, id, targets, e.folds, rows.length, seed);
        return {
          action: 'evaluation.create',
          entity: { type: 'evaluation', id },
          after: { model: `${version.slug}@${version.version}`, dataset: { id: dataset.id, name: dataset.name }, outputField: field, jobId: job.id, items: job.itemsTotal, folds: e.folds ?? null },
        };
      },
    },
  );
  return { id, jobId: job.id, retrainedFolds: targets.length * (e.folds ?? 0) };
}

export async function listEvaluations({ db }: DbDeps, viewer: Viewer, q: { limit: number; offset: number }) {
  const rows = await repo.listEvaluations(db, viewer, q.limit, q.offset);
  return rows.map((r) => ({ id: r.id, createdAt: new Date(r.created_at).toISOString(), dataset: r.dataset, model: r.slug, version: r.version, field: r.output_field, folds: r.folds, status: r.status, jobId: r.job_id }));
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The evaluation with what only the server uses (the out-of-fold series, for fitting). */
export async function loadEvaluation({ db }: DbDeps, viewer: Viewer, { id }: { id: string }) {
  const e = await repo.findEvaluation(db, id);
  const missing = () => new AppError('NOT_FOUND', `no evaluation ${id} visible to you`);
  if (!e || (e.owner_id !== viewer.id && viewer.role !== 'admin')) throw missing();
  // Its job is readable only while the viewer may see the model: so is the evaluation.
  const job = await getJobWithMembers({ db }, viewer, { jobId: e.job_id }).catch((err) => {
    throw isAppError(err) && err.code === 'NOT_FOUND' ? missing() : err;
  });
  const dataset = await datasets.findDataset(db, e.dataset_id);
  const version = await getVersionById(db, job.modelVersionId);
  const [rows, own] = await Promise.all([datasets.datasetRows(db, e.dataset_id), repo.outputsByItem(db, job.id)]);

  // Members' values come from their own jobs, with the consensus's unit transforms applied.
  const members: { key: string; field: string; scale: number; offset: number; values: Map<number, number | null>; inDomain: Map<number, boolean | null> }[] = [];
  if (version.runtime.kind === 'consensus') {
    const memberJobs = new Map((await memberJobsRepo.listMemberJobs(db, job.id)).map((m) => [m.key, m.jobId]));
    for (const m of version.runtime.members) {
      const key = memberKey(m);
      const outputs = memberJobs.has(key) ? await repo.outputsByItem(db, memberJobs.get(key)!) : new Map();
      const values = new Map<number, number | null>();
      const inDomain = new Map<number, boolean | null>();
      for (const [i, out] of outputs) {
        const v = finite(out?.[m.field]);
        values.set(i, v === null ? null : v * (m.scale ?? 1) + (m.offset ?? 0));
        inDomain.set(i, domainFlag(out));
      }
      members.push({ key, field: m.field, scale: m.scale ?? 1, offset: m.offset ?? 0, values, inDomain });
    }
  }
  const points = rows.map((r) => ({
    index: r.index,
    smiles: r.smiles,
    measured: r.measured,
    predicted: finite(own.get(r.index)?.[e.output_field]),
    members: Object.fromEntries(members.map((m) => [m.key, m.values.get(r.index) ?? null])),
  }));
  const metricsOf = (pick: (p: (typeof points)[number]) => number | null) =>
    regressionMetrics(points.flatMap((p) => (pick(p) === null ? [] : [{ predicted: pick(p)!, measured: p.measured }])));
  // In-sample: a model is scored on the molecules it may have learnt from (a trained model's own training set).
  const metrics = [
    { name: `${version.slug}@${version.version}`, role: version.runtime.kind === 'consensus' ? 'consensus' : 'model', field: e.output_field, basis: 'in-sample' as const, ...metricsOf((p) => p.predicted) },
    ...members.map((m) => ({ name: m.key, role: 'member', field: m.field, basis: 'in-sample' as const, ...metricsOf((p) => p.members[m.key]) })),
  ];
  const ended = job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
  // How the version's own stated uncertainty held on these molecules (its calibration was learnt elsewhere, or on them).
  const statedCalibration =
    version.runtime.kind === 'consensus' && ended
      ? calibrationReport(
          rows.flatMap((r, i) => {
            const out = own.get(r.index);
            const value = points[i].predicted;
            const spread = finite((out?.spread as { std?: unknown } | undefined)?.std);
            if (value === null || spread === null) return [];
            return [{ value, error: value - r.measured, spread, stated: (out?.uncertainty as Uncertainty | undefined) ?? null }];
          }),
        )
      : null;
  const crossValidated =
    e.folds && ended
      ? await crossValidation(db, { id: e.id, folds: e.folds, seed: e.seed }, version, e.output_field, {
          measured: rows.map((r) => r.measured),
          indexes: rows.map((r) => r.index),
          own: points.map((p) => p.predicted),
          ownInDomain: rows.map((r) => domainFlag(own.get(r.index))),
          members: members.map((m) => ({ ...m, values: rows.map((r) => m.values.get(r.index) ?? null), inDomain: rows.map((r) => m.inDomain.get(r.index) ?? null) })),
        })
      : null;
  return {
    id: e.id,
    createdAt: new Date(e.created_at).toISOString(),
    dataset: dataset!,
    model: version.slug,
    version: version.version,
    isConsensus: version.runtime.kind === 'consensus',
    strategy: version.runtime.kind === 'consensus' ? version.runtime.strategy : null,
    outputField: e.output_field,
    job,
    metrics,
    points,
    folds: e.folds,
    seed: e.seed,
    statedCalibration: statedCalibration?.n ? statedCalibration : null,
    crossValidation: crossValidated,
  };
}

/**
 * The evaluation so far: per molecule, the measured value, the prediction and (for a consensus)
 * each member's value; in-sample RMSE, MAE, R² and n for the model and each member side by side;
 * with folds, the out-of-fold table (bootstrap intervals, the consensus against its best member,
 * candidate consensuses) and the calibration of the uncertainty.
 */
export async function getEvaluation(deps: DbDeps, viewer: Viewer, input: { id: string }) {
  const e = await loadEvaluation(deps, viewer, input);
  const cv = e.crossValidation;
  return { ...e, crossValidation: cv ? { folds: cv.folds, seed: cv.seed, retraining: cv.retraining, report: cv.report ? { ...cv.report, consensusRows: null } : null } : null };
}

function domainFlag(out: Record<string, unknown> | null | undefined): boolean | null {
  const ad = out?.applicabilityDomain as { inDomain?: unknown } | undefined;
  return typeof ad?.inDomain === 'boolean' ? ad.inDomain : null;
}

/**
 * The evaluations run on each version of a model the viewer may see, newest version first, with
 * their metrics. Anyone who sees the model sees every evaluation's summary (dataset name, metrics,
 * when); the molecules and values behind one stay with its owner (`getEvaluation`).
 */
export async function listModelEvaluations({ db }: DbDeps, viewer: Viewer, { slug }: { slug: string }) {
  const model = await modelFor(db, viewer, slug);
  const rows = await repo.listModelEvaluations(db, model.id);
  const byVersion = new Map<number, { version: number; versionId: string; evaluations: (Omit<(typeof rows)[number], 'ownerId' | 'version' | 'versionId'> & { mine: boolean; readable: boolean })[] }>();
  for (const { ownerId, version, versionId, ...e } of rows) {
    const entry = byVersion.get(version) ?? { version, versionId, evaluations: [] };
    entry.evaluations.push({ ...e, mine: ownerId === viewer.id, readable: ownerId === viewer.id || viewer.role === 'admin' });
    byVersion.set(version, entry);
  }
  return [...byVersion.values()];
}
