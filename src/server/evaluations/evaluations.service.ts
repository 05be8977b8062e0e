import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { audit } from '../audit/audit.service';
import { moleculeFields } from '../chem/inputs';
import { canonicalizeMany } from '../chem/rdkit';
import { fitInverseError, fitStacking, type EvaluationRow } from '../consensus/fit';
import { memberKey } from '../../shared/consensus-member';
import { regressionMetrics } from '../consensus/metrics';
import type { Kysely } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { DB } from '../db/types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import * as memberJobsRepo from '../jobs/member-jobs.repository';
import { getJobWithMembers, submitJob } from '../jobs/jobs.service';
import { projectRoot } from '../models/manifest';
import { getVersionById, resolveModelRef } from '../models/models.service';
import type { ModelVersion } from '../models/models.types';
import { runSmokeTest } from '../models/smoke-test.service';
import { createDraftVersion, publishVersion } from '../models/versions.service';
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

/** Runs a model or consensus on a dataset's molecules as an ordinary job, to compare with the measured values. */
export async function startEvaluation(deps: Pick<Deps, 'db' | 'boss'>, viewer: Viewer, e: { model: string; datasetId: string; outputField?: string }) {
  const { db } = deps;
  const version = await resolveModelRef(db, e.model);
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
  let id = '';
  // The evaluation's row is written in the job's transaction: both exist, or neither.
  const job = await submitJob(
    deps,
    viewer,
    { model: `${version.slug}@${version.version}`, inputs: rows.map((r) => ({ [smilesField]: r.smiles })), label: `evaluation on ${dataset.name}` },
    {
      within: async (tx, job) => {
        id = await repo.insertEvaluation(tx, { ownerId: viewer.id, datasetId: dataset.id, jobId: job.id, outputField: field });
        return {
          action: 'evaluation.create',
          entity: { type: 'evaluation', id },
          after: { model: `${version.slug}@${version.version}`, dataset: { id: dataset.id, name: dataset.name }, outputField: field, jobId: job.id, items: job.itemsTotal },
        };
      },
    },
  );
  return { id, jobId: job.id };
}

export async function listEvaluations({ db }: DbDeps, viewer: Viewer, q: { limit: number; offset: number }) {
  const rows = await repo.listEvaluations(db, viewer.id, q.limit, q.offset);
  return rows.map((r) => ({ id: r.id, createdAt: new Date(r.created_at).toISOString(), dataset: r.dataset, model: r.slug, version: r.version, field: r.output_field, status: r.status, jobId: r.job_id }));
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The evaluation so far: per molecule, the measured value, the prediction and (for a
 * consensus) each member's value; RMSE, MAE, R² and n for the model and each member side by side.
 */
export async function getEvaluation({ db }: DbDeps, viewer: Viewer, { id }: { id: string }) {
  const e = await repo.findEvaluation(db, id);
  if (!e || (e.owner_id !== viewer.id && viewer.role !== 'admin')) throw new AppError('NOT_FOUND', `no evaluation ${id} visible to you`);
  const [job, dataset] = await Promise.all([getJobWithMembers({ db }, viewer, { jobId: e.job_id }), datasets.findDataset(db, e.dataset_id)]);
  const version = await getVersionById(db, job.modelVersionId);
  const [rows, own] = await Promise.all([datasets.datasetRows(db, e.dataset_id), repo.outputsByItem(db, job.id)]);

  // Members' values come from their own jobs, with the consensus's unit transforms applied.
  const members: { key: string; field: string; values: Map<number, number | null> }[] = [];
  if (version.runtime.kind === 'consensus') {
    const memberJobs = new Map((await memberJobsRepo.listMemberJobs(db, job.id)).map((m) => [m.key, m.jobId]));
    for (const m of version.runtime.members) {
      const key = memberKey(m);
      const outputs = memberJobs.has(key) ? await repo.outputsByItem(db, memberJobs.get(key)!) : new Map();
      const values = new Map<number, number | null>();
      for (const [i, out] of outputs) {
        const v = finite(out?.[m.field]);
        values.set(i, v === null ? null : v * (m.scale ?? 1) + (m.offset ?? 0));
      }
      members.push({ key, field: m.field, values });
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
  const metrics = [
    { name: `${version.slug}@${version.version}`, role: version.runtime.kind === 'consensus' ? 'consensus' : 'model', field: e.output_field, ...metricsOf((p) => p.predicted) },
    ...members.map((m) => ({ name: m.key, role: 'member', field: m.field, ...metricsOf((p) => p.members[m.key]) })),
  ];
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
  };
}

/**
 * Fits an inverse-error or stacking consensus from a finished evaluation and publishes it as
 * the consensus's next version (smoke-tested like any version).
 */
export async function fitFromEvaluation(deps: Deps, viewer: Viewer, { id, strategy }: { id: string; strategy: 'inverse-error' | 'stacking' }) {
  const evaluation = await getEvaluation(deps, viewer, { id });
  if (evaluation.job.status !== 'succeeded') throw new AppError('CONFLICT', `the evaluation is ${evaluation.job.status}; fit from a finished one`);
  const version = await resolveModelRef(deps.db, `${evaluation.model}@${evaluation.version}`);
  if (version.runtime.kind !== 'consensus') throw new AppError('INVALID_INPUT', `${evaluation.model} is not a consensus; only a consensus has members to weigh`);
  const rows: EvaluationRow[] = evaluation.points.map((p) => ({ measured: p.measured, predictions: p.members }));
  let params: Record<string, unknown>;
  try {
    params = strategy === 'inverse-error' ? { ...fitInverseError(rows) } : { coefficients: fitStacking(rows) };
  } catch (e) {
    throw new AppError('INVALID_INPUT', (e as Error).message);
  }
  const runtime = { ...version.runtime, strategy, params: { ...version.runtime.params, ...params } };
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
    },
  });
  const { result } = await runSmokeTest(deps, viewer, { versionId: draft.id });
  if (!result.ok) throw new AppError(result.code === 'INVALID_INPUT' ? 'INVALID_INPUT' : 'MODEL_ERROR', `the fitted version ${version.slug}@${draft.version} failed its smoke test: ${result.message}`);
  return { version: await publishVersion(deps, viewer, { versionId: draft.id }), params };
}
