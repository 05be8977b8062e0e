import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withFolderBundle } from '../bundles/model-folder';
import { defineConsensus } from '../consensus/consensus.service';
import { sealRuntimeSecrets } from '../secrets/runtime-secrets';
import { loadManifest, onPath, projectRoot } from './manifest';
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

/**
 * Registers every `models/<name>/model.json` as a built-in model: programs first (each packed
 * into a bundle with the shared models/_lib and models/_science), then the consensus models
 * built on them, whose schemas come from their members.
 */
export async function seedBuiltInModels(deps: Pick<Deps, 'db'>, log: (line: string) => void = () => {}): Promise<string[]> {
  const root = path.join(projectRoot, 'models');
  const dirs = (await fs.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('_'));
  const manifests: (Awaited<ReturnType<typeof loadManifest>> & { dir: string })[] = [];
  for (const d of dirs) {
    const dir = path.join(root, d.name);
    if (await fs.access(path.join(dir, 'model.json')).then(() => true, () => false)) manifests.push({ ...(await loadManifest(dir)), dir });
  }
  const consensusLast = (m: TModelManifest) => (m.runtime.kind === 'consensus' ? 1 : 0);
  manifests.sort((a, b) => consensusLast(a.manifest) - consensusLast(b.manifest));

  const seeded: string[] = [];
  for (const { manifest: given, codeDigest, dir } of manifests) {
    const missing = given.requires.filter((program) => !onPath(program));
    if (missing.length) {
      log(`skipped: ${given.slug} needs ${missing.join(', ')} on PATH (run \`npm run models:science\` to install them)`);
      continue;
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
    const { created } = await publishTrustedManifest(deps, { manifest, builtIn: true, codeDigest });
    log(`${created ? 'registered' : 'up to date'}: ${manifest.slug}@${manifest.version}`);
    seeded.push(manifest.slug);
  }
  return seeded;
}
