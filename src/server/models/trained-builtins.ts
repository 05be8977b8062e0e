/**
 * Models trained from data that ship as code, never as weights: `models/<slug>/training.json`
 * names the training data, the training command, the hyper-parameters and the files of training
 * code. Training is deterministic, so the weights are rebuilt (into the gitignored `trained/`
 * folder, packed into the version's bundle) wherever they are missing.
 *
 * Versions: the fingerprint of what the weights are made of (the data's digest, the code's digest,
 * the libraries' versions, the hyper-parameters) picks the version number from the ledger in
 * training.json (`versions`). Other inputs make a new version, never an edit of a published one:
 * `npm run models:train` appends it to the ledger and bumps model.json; seeding numbers it the same
 * way without writing anything.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { canonicalizeMany } from '../chem/rdkit';
import { AppError } from '../errors';
import { parseMeasuredCsv } from '../evaluations/csv';
import { canonicalJson } from '../../shared/canonical-json';
import { projectRoot } from './manifest';

export const TRAINING_FILE = 'training.json';
export const TRAINED_DIR = 'trained';

export interface LedgerEntry {
  version: number;
  fingerprint: string;
  trainingData: string;
  code: string;
  libraries: Record<string, string>;
  hyperparameters: Record<string, unknown>;
}

export interface TrainingConfig {
  data: { file: string; smilesColumn?: string; targetColumn?: string };
  command: string[];
  hyperparameters: Record<string, unknown>;
  /** Files (relative to the model folder) whose content decides the weights. */
  code: string[];
  /** npm packages whose versions decide the weights (e.g. the cheminformatics toolkit). */
  libraries: string[];
  versions: LedgerEntry[];
}

/** What a trained version records about itself (trained/provenance.json, and the version's `provenance`). */
export interface TrainingProvenance {
  kind: 'trained';
  version: number;
  fingerprint: string;
  /** Whether the ledger in training.json lists this version (false: trained by seeding from unrecorded inputs). */
  recorded: boolean;
  trainingData: { file: string; sha256: string; rows: number; used: number; dropped: number };
  code: { sha256: string; files: string[] };
  libraries: Record<string, string>;
  hyperparameters: Record<string, unknown>;
  weights: { file: string; sha256: string; bytes: number };
  /** RMSE on its own training rows: in-sample, only a check that training worked. */
  trainingRmse: number | null;
}

const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Folders whose CSV files training and evaluations read (DATASETS_DIR, colon-separated; default ../shared/data). */
export function dataRoots(): string[] {
  return (process.env.DATASETS_DIR ?? path.resolve(projectRoot, '../shared/data')).split(':').filter(Boolean);
}

export async function readTrainingConfig(dir: string): Promise<TrainingConfig | null> {
  const file = path.join(dir, TRAINING_FILE);
  if (!existsSync(file)) return null;
  const c = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<TrainingConfig>;
  if (!c.data?.file || !Array.isArray(c.command) || !c.hyperparameters || !Array.isArray(c.code)) {
    throw new AppError('INVALID_INPUT', `${file} needs data.file, command, hyperparameters and code`);
  }
  return { libraries: [], versions: [], ...c } as TrainingConfig;
}

async function libraryVersions(names: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const pkg = path.join(projectRoot, 'node_modules', name, 'package.json');
    out[name] = existsSync(pkg) ? (JSON.parse(await fs.readFile(pkg, 'utf8')) as { version: string }).version : 'missing';
  }
  return out;
}

/** The inputs of training and their fingerprint; null data when the training data is not on this machine. */
export async function trainingInputs(dir: string, config: TrainingConfig, o: { dataFile?: string; hyperparameters?: Record<string, unknown> } = {}) {
  const dataPath = o.dataFile ?? dataRoots().map((r) => path.join(r, config.data.file)).find((f) => existsSync(f));
  const hyperparameters = { ...config.hyperparameters, ...o.hyperparameters };
  const code = createHash('sha256');
  for (const f of [...config.code].sort()) {
    code.update(f);
    code.update(await fs.readFile(path.join(dir, f)));
  }
  const codeDigest = `sha256:${code.digest('hex')}`;
  const libraries = await libraryVersions(config.libraries);
  if (!dataPath || !existsSync(dataPath)) return { data: null, codeDigest, libraries, hyperparameters, looked: dataRoots().map((r) => path.join(r, config.data.file)) };
  const bytes = await fs.readFile(dataPath);
  const dataDigest = sha256(bytes);
  const fingerprint = sha256(canonicalJson({ data: dataDigest, code: codeDigest, libraries, hyperparameters }));
  return { data: { path: dataPath, bytes, digest: dataDigest }, codeDigest, libraries, hyperparameters, fingerprint, looked: [dataPath] };
}

/** The version these inputs are: the ledger's for the same fingerprint, else one past the highest recorded. */
export function versionFor(config: TrainingConfig, fingerprint: string): { version: number; recorded: boolean } {
  const known = config.versions.find((v) => v.fingerprint === fingerprint);
  if (known) return { version: known.version, recorded: true };
  return { version: Math.max(0, ...config.versions.map((v) => v.version)) + 1, recorded: false };
}

function runTrainer(dir: string, command: string[], env: Record<string, string>, stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = command;
    const childEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', ...env } as unknown as NodeJS.ProcessEnv;
    const child = spawn(cmd, args, { cwd: dir, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
    child.stdin.on('error', () => {});
    child.on('error', (e) => reject(new AppError('INTERNAL', `could not start \`${command.join(' ')}\` in ${dir}: ${e.message}`)));
    child.on('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new AppError('INTERNAL', `training \`${command.join(' ')}\` in ${dir} exited with code ${code}: ${err.trim().slice(-1000)}`));
    });
    child.stdin.end(stdin);
  });
}

export type TrainOutcome = { provenance: TrainingProvenance; trained: boolean } | { skipped: string };

/**
 * Makes sure `dir`'s weights match its training inputs, training them (in a child process: it
 * takes seconds of CPU) when they are missing or stale, or always with `force`. `outDir` and
 * `hyperparameters` train a variant elsewhere (tests train a small forest into a temporary folder).
 */
export async function ensureTrained(
  dir: string,
  o: { log?: (line: string) => void; force?: boolean; outDir?: string; dataFile?: string; hyperparameters?: Record<string, unknown> } = {},
): Promise<TrainOutcome> {
  const log = o.log ?? (() => {});
  const config = await readTrainingConfig(dir);
  if (!config) throw new AppError('NOT_FOUND', `${dir} has no ${TRAINING_FILE}`);
  const inputs = await trainingInputs(dir, config, o);
  if (!inputs.data || !inputs.fingerprint) return { skipped: `its training data ${config.data.file} is not on this machine (looked for ${inputs.looked.join(', ')})` };
  const out = o.outDir ?? path.join(dir, TRAINED_DIR);
  const provenanceFile = path.join(out, 'provenance.json');
  const existing = existsSync(provenanceFile) ? (JSON.parse(await fs.readFile(provenanceFile, 'utf8')) as TrainingProvenance) : null;
  const { version, recorded } = versionFor(config, inputs.fingerprint);
  if (!o.force && existing?.fingerprint === inputs.fingerprint && existsSync(path.join(out, 'weights.json'))) {
    // The ledger may have recorded this version since it was trained.
    if (existing.version !== version || existing.recorded !== recorded) {
      const updated = { ...existing, version, recorded };
      await fs.writeFile(provenanceFile, `${JSON.stringify(updated, null, 2)}\n`);
      return { provenance: updated, trained: false };
    }
    return { provenance: existing, trained: false };
  }

  const parsed = parseMeasuredCsv(inputs.data.bytes.toString('utf8'), { smilesColumn: config.data.smilesColumn, valueColumn: config.data.targetColumn });
  // The model sees canonical SMILES at prediction time (the gateway canonicalises every input), so it learns on them too.
  const canonical = await canonicalizeMany('smiles', parsed.rows.map((r) => r.smiles));
  const rows = parsed.rows.flatMap((r, i) => {
    const c = canonical[i];
    return 'canonical' in c ? [{ smiles: c.canonical, target: r.measured }] : [];
  });
  const dropped = parsed.bad.length + (parsed.rows.length - rows.length);
  const why = o.force ? 'forced' : existing ? 'its weights were trained on other inputs' : 'no weights yet: they are built from the data here, never stored in git';
  log(`training ${path.basename(dir)}@${version} on ${rows.length} molecules of ${config.data.file}${dropped ? ` (${dropped} unusable lines dropped)` : ''} (${why}), about a minute on 2 cores…`);
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
  await fs.rm(tmp, { recursive: true, force: true });
  const stdout = await runTrainer(dir, config.command, { TRAIN_OUT: tmp, TRAIN_HYPERPARAMETERS: JSON.stringify(inputs.hyperparameters) }, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { used?: number; skipped?: unknown[]; trainingRmse?: number; seconds?: number };
  const weights = await fs.readFile(path.join(tmp, 'weights.json'));
  const provenance: TrainingProvenance = {
    kind: 'trained',
    version,
    fingerprint: inputs.fingerprint,
    recorded,
    trainingData: { file: config.data.file, sha256: inputs.data.digest, rows: parsed.rows.length + parsed.bad.length, used: summary.used ?? rows.length, dropped: dropped + (summary.skipped?.length ?? 0) },
    code: { sha256: inputs.codeDigest, files: [...config.code].sort() },
    libraries: inputs.libraries,
    hyperparameters: inputs.hyperparameters,
    weights: { file: `${TRAINED_DIR}/weights.json`, sha256: sha256(weights), bytes: weights.length },
    trainingRmse: typeof summary.trainingRmse === 'number' ? Math.round(summary.trainingRmse * 1e4) / 1e4 : null,
  };
  await fs.writeFile(path.join(tmp, 'provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`);
  await fs.rm(out, { recursive: true, force: true });
  await fs.rename(tmp, out);
  log(`trained ${path.basename(dir)}@${version} in ${summary.seconds?.toFixed(1) ?? '?'} s: ${provenance.weights.bytes} bytes of weights, training RMSE ${provenance.trainingRmse ?? '?'} (in-sample)`);
  return { provenance, trained: true };
}

/** Records a trained version in the ledger and in model.json (what `npm run models:train` commits). */
export async function recordTrainedVersion(dir: string, provenance: TrainingProvenance): Promise<boolean> {
  const file = path.join(dir, TRAINING_FILE);
  const raw = JSON.parse(await fs.readFile(file, 'utf8')) as TrainingConfig;
  const versions = raw.versions ?? [];
  let changed = false;
  if (!versions.some((v) => v.fingerprint === provenance.fingerprint)) {
    versions.push({
      version: provenance.version,
      fingerprint: provenance.fingerprint,
      trainingData: provenance.trainingData.sha256,
      code: provenance.code.sha256,
      libraries: provenance.libraries,
      hyperparameters: provenance.hyperparameters,
    });
    await fs.writeFile(file, `${JSON.stringify({ ...raw, versions }, null, 2)}\n`);
    changed = true;
  }
  const manifestFile = path.join(dir, 'model.json');
  const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8')) as { version: number };
  if (manifest.version !== provenance.version) {
    await fs.writeFile(manifestFile, `${JSON.stringify({ ...manifest, version: provenance.version }, null, 2)}\n`);
    changed = true;
  }
  const provenanceFile = path.join(dir, TRAINED_DIR, 'provenance.json');
  if (existsSync(provenanceFile)) await fs.writeFile(provenanceFile, `${JSON.stringify({ ...provenance, recorded: true }, null, 2)}\n`);
  return changed;
}
