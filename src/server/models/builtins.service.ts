import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withFolderBundle } from '../bundles/model-folder';
import { defineConsensus } from '../consensus/consensus.service';
import { sealRuntimeSecrets } from '../secrets/runtime-secrets';
import { loadManifest, onPath, projectRoot } from './manifest';
import { ensureTrained, readTrainingConfig, type TrainingProvenance } from './trained-builtins';
import type { ModelVisibility } from '../db/types';
import type { TModelManifest } from './models.schema';
import * as repo from './models.repository';
import { specOf, versionDigest } from './models.service';
import type { ModelSummary, ModelVersion } from './models.types';

/**
 * The trusted path: publishes a manifest's version directly, with no smoke test. It is for the
 * built-ins, which ship with the code (CI tests them), and for test fixtures; users register
 * through `registerManifest`, which smoke-tests first. Published versions stay immutable: the
 * same version with other content is refused, except that a built-in is refreshed in place.
 */
export async function publishTrustedManifest(
  { db }: Pick<Deps, 'db'>,
  {
    manifest,
    builtIn,
    codeDigest,
    owner = null,
    visibility = owner ? 'private' : 'organisation',
    teamId = null,
  }: {
    manifest: TModelManifest;
    builtIn: boolean;
    codeDigest?: string;
    /** Whose model a new (non-built-in) model is; an ownerless one is visible to the whole organisation by default. */
    owner?: { id: string; email: string } | null;
    visibility?: ModelVisibility;
    teamId?: string | null;
  },
): Promise<{ model: ModelSummary; version: ModelVersion; created: boolean }> {
  const spec = { ...specOf(manifest), runtime: sealRuntimeSecrets(manifest.runtime) };
  const digest = versionDigest(spec, codeDigest);
  const info = { slug: manifest.slug, name: manifest.name, task: manifest.task, description: manifest.description, tags: manifest.tags };
  const existingModel = await repo.findModelBySlug(db, manifest.slug);
  const modelId = builtIn
    ? await repo.upsertBuiltInModel(db, info)
    : (existingModel?.id ??
      (await repo.insertModel(db, { ...info, ownerId: owner?.id ?? null, ownerEmail: owner?.email ?? null, builtIn: false, visibility, teamId }))?.id);
  if (!modelId) throw new AppError('CONFLICT', `the slug "${manifest.slug}" is taken`);
  const existing = await repo.findVersion(db, { slug: manifest.slug, version: manifest.version });
  let version: ModelVersion;
  let created = false;
  if (!existing) {
    version = await repo.insertVersion(db, manifest.slug, { modelId, version: manifest.version, status: 'published', ...spec, digest, createdBy: null });
    created = true;
  } else if (existing.digest === digest) {
    version = existing;
  } else if (builtIn) {
    const was = (existing.provenance as Partial<TrainingProvenance> | null | undefined)?.fingerprint;
    if (was && was !== (manifest.provenance as Partial<TrainingProvenance> | undefined)?.fingerprint) {
      throw new AppError(
        'CONFLICT',
        `${manifest.slug}@${manifest.version} was trained on other inputs (${was.slice(0, 19)}…); retraining makes a new version, never an edit: run \`npm run models:train\`, which numbers it`,
      );
    }
    version = await repo.replaceBuiltInVersion(db, manifest.slug, existing.id, { ...spec, digest });
  } else {
    throw new AppError(
      'CONFLICT',
      `${manifest.slug}@${manifest.version} is already published with different content; versions are immutable, so bump "version" in the manifest`,
    );
  }
  const model = (await repo.findModelBySlug(db, manifest.slug)) ?? existingModel;
  if (!model) throw new AppError('NOT_FOUND', `no model named "${manifest.slug}"`);
  return { model, version, created };
}

/** A model folder's earlier versions (consensus manifests only: a program's code is the folder's current one). */
export const HISTORY_DIR = 'history';

/**
 * Registers every `models/<name>/model.json` as a built-in model: programs first (each packed
 * into a bundle with the shared models/_lib and models/_science), then the consensus models
 * built on them, whose schemas come from their members.
 */
export async function seedBuiltInModels(deps: Pick<Deps, 'db'>, log: (line: string) => void = () => {}): Promise<string[]> {
  const root = path.join(projectRoot, 'models');
  const dirs = (await fs.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('_')).sort((a, b) => (a.name < b.name ? -1 : 1));
  const manifests: (Awaited<ReturnType<typeof loadManifest>> & { dir: string })[] = [];
  for (const d of dirs) {
    const dir = path.join(root, d.name);
    if (!(await fs.access(path.join(dir, 'model.json')).then(() => true, () => false))) continue;
    // Earlier versions of a built-in consensus stay registered (history/<n>.json), so a fresh
    // database holds the same versions as an upgraded one and "@1" means the same everywhere.
    const history = await fs.readdir(path.join(dir, HISTORY_DIR)).catch(() => [] as string[]);
    for (const f of history.filter((f) => /^\d+\.json$/.test(f)).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))) {
      const old = await loadManifest(dir, path.join(HISTORY_DIR, f));
      if (old.manifest.runtime.kind === 'consensus') manifests.push({ ...old, dir });
    }
    manifests.push({ ...(await loadManifest(dir)), dir });
  }
  const consensusLast = (m: TModelManifest) => (m.runtime.kind === 'consensus' ? 1 : 0);
  manifests.sort((a, b) => consensusLast(a.manifest) - consensusLast(b.manifest));

  const seeded: string[] = [];
  for (const entry of manifests) {
    let { manifest: given, codeDigest } = entry;
    const { dir } = entry;
    const missing = given.requires.filter((program) => !onPath(program));
    if (missing.length) {
      log(`skipped: ${given.slug} needs ${missing.join(', ')} on PATH (run \`npm run models:science\` to install them)`);
      continue;
    }
    // A trained model: its weights are rebuilt from its data when missing; without the data it is skipped.
    if (await readTrainingConfig(dir)) {
      const trained = await ensureTrained(dir, { log }).catch((e: Error) => ({ skipped: `training failed: ${e.message}` }));
      if ('skipped' in trained) {
        log(`skipped: ${given.slug}: ${trained.skipped}`);
        continue;
      }
      ({ codeDigest } = await loadManifest(dir)); // the weights are part of its code now
      given = { ...given, version: trained.provenance.version, provenance: { ...trained.provenance } };
    }
    // Built-ins are bundles like any other: the worker runs them sandboxed from their bundle.
    let manifest = await withFolderBundle(deps.db, dir, given);
    if (given.runtime.kind === 'consensus') {
      try {
        const { inputSchema, outputSchema } = await defineConsensus(deps.db, given.slug, given.runtime);
        manifest = { ...given, inputSchema, outputSchema };
      } catch (e) {
        log(`skipped: ${given.slug}: ${(e as Error).message}`);
        continue;
      }
    }
    let created: boolean;
    try {
      ({ created } = await publishTrustedManifest(deps, { manifest, builtIn: true, codeDigest }));
    } catch (e) {
      if (!manifest.provenance) throw e;
      log(`skipped: ${manifest.slug}@${manifest.version}: ${(e as Error).message}`);
      continue;
    }
    log(`${created ? 'registered' : 'up to date'}: ${manifest.slug}@${manifest.version}`);
    if (!seeded.includes(manifest.slug)) seeded.push(manifest.slug);
  }
  return seeded;
}
