import { createHash } from 'node:crypto';
import type { DbOrTx } from '../db/client';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import { canonicalJson } from '../../shared/canonical-json';
import { closestNames } from '../../shared/closest-names';
import { parseModelRef } from '../../shared/model-ref';
import { mayEditModel } from '../../shared/permissions';
import { isEditable, isRunnable } from '../../shared/version-status';
import * as repo from './models.repository';
import * as versionRepo from './versions.repository';
import * as aliasRepo from './aliases.repository';
import { runtimeForDigest } from '../secrets/runtime-secrets';
import { modelUsage, type ModelUsage } from './usage.repository';
import type { TListModelsInput, TModelManifest } from './models.schema';
import type { ModelDetail, ModelSummary, ModelVersion } from './models.types';

type DbDeps = Pick<Deps, 'db'>;

const NO_ONE = '00000000-0000-0000-0000-000000000000';

export async function listModels({ db }: DbDeps, viewer: Viewer | null, q: TListModelsInput) {
  const { owner, ...rest } = q;
  const byOwner = owner === 'me' ? { ownerId: viewer?.id ?? NO_ONE } : owner ? { ownerEmail: owner } : {};
  return repo.listModels(db, { ...rest, ...byOwner });
}

export async function listTags({ db }: DbDeps, _viewer: Viewer | null): Promise<string[]> {
  return repo.listTags(db);
}

export async function listTasks({ db }: DbDeps, _viewer: Viewer | null): Promise<string[]> {
  return repo.listTasks(db);
}

/**
 * NOT_FOUND for a slug no model has, naming the closest real ones so a caller (a person, a script
 * or the agent) can correct itself. Every model is visible to everyone today; when private models
 * come, the candidates must be the viewer's visible slugs only.
 */
async function noSuchModel(db: DbOrTx, slug: string): Promise<AppError> {
  const near = closestNames(slug, await repo.listSlugs(db));
  const hint = near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '; list models to see the available slugs';
  return new AppError('NOT_FOUND', `no model named "${slug}"${hint}`, near.length ? { suggestions: near } : undefined);
}

async function findModel(db: DbOrTx, slug: string): Promise<ModelSummary> {
  const model = await repo.findModelBySlug(db, slug);
  if (!model) throw await noSuchModel(db, slug);
  return model;
}

/**
 * A model with its versions and aliases. Drafts (their commands and URLs) are shown only to those
 * who may edit the model; secret values (headers, env) to nobody, masked on the way out.
 */
export async function getModel({ db }: DbDeps, viewer: Viewer | null, { slug }: { slug: string }): Promise<ModelDetail> {
  const model = await findModel(db, slug);
  const [versions, aliases] = await Promise.all([repo.listVersions(db, model.id), aliasRepo.listAliases(db, model.id)]);
  const visible = mayEditModel(viewer, model) ? versions : versions.filter((v) => isRunnable(v.status));
  return { ...model, versions: visible, aliases };
}

/** The viewer's unfinished versions, newest first, for "resume" lists. */
export async function listMyDrafts({ db }: DbDeps, viewer: Viewer) {
  return versionRepo.listDraftsOf(db, viewer.id);
}

/** A model the viewer may change, or FORBIDDEN saying who may. */
export async function editableModel(db: DbOrTx, viewer: Viewer, slug: string): Promise<ModelSummary> {
  const model = await findModel(db, slug);
  if (!mayEditModel(viewer, model)) throw new AppError('FORBIDDEN', `only the owner of "${slug}" or an admin can change it`);
  return model;
}

export async function updateModelInfo(
  { db }: DbDeps,
  viewer: Viewer,
  info: { slug: string; name: string; task: string; description: string; tags: string[] },
): Promise<ModelSummary> {
  const model = await editableModel(db, viewer, info.slug);
  const updated = await repo.updateModelInfo(db, model.id, info);
  if (!updated) throw new AppError('NOT_FOUND', `no model named "${info.slug}"`);
  return updated;
}

/** Item-level usage of a model's versions over the last `days` days. */
export async function getModelUsage({ db }: DbDeps, viewer: Viewer, q: { slug: string; days: number }): Promise<ModelUsage> {
  const model = await getModel({ db }, viewer, q);
  return modelUsage(db, model.id, q.days);
}

/**
 * Resolves what a caller names — `slug`, `slug@3`, `slug@latest` or `slug@<alias>` — to a
 * runnable version. Drafts never run through this path; deprecated versions still do for
 * callers who name them.
 */
export async function resolveModelRef(db: DbOrTx, ref: string): Promise<ModelVersion> {
  const parsed = parseModelRef(ref);
  if (!parsed) {
    throw new AppError('INVALID_INPUT', `"${ref.slice(0, 100)}" is not a model reference; use "slug", "slug@3", "slug@latest" or "slug@production"`);
  }
  const { slug, selector } = parsed;
  const found =
    selector.kind === 'latest'
      ? await repo.findVersion(db, { slug, version: 'latest' })
      : selector.kind === 'number'
        ? await repo.findVersion(db, { slug, version: selector.version })
        : await aliasRepo.findVersionByAlias(db, slug, selector.alias);
  if (!found) {
    const model = await findModel(db, slug);
    if (selector.kind !== 'alias') {
      throw new AppError('NOT_FOUND', `model "${slug}" has no published version ${selector.kind === 'latest' ? 'latest' : selector.version}`);
    }
    const aliases = Object.keys(await aliasRepo.listAliases(db, model.id));
    throw new AppError(
      'NOT_FOUND',
      `model "${slug}" has no alias "${selector.alias}"${aliases.length ? `; its aliases are ${aliases.join(', ')}` : '; it has no aliases yet'}`,
    );
  }
  if (isEditable(found.status)) {
    throw new AppError('INVALID_INPUT', `${slug}@${found.version} is a ${found.status} version; publish it before running it`);
  }
  return found;
}

export async function getVersionById(db: DbOrTx, id: string): Promise<ModelVersion> {
  const v = await repo.findVersion(db, { id });
  if (!v) throw new AppError('NOT_FOUND', `model version ${id} does not exist`);
  return v;
}

/** The version content a manifest describes. */
export function specOf(manifest: TModelManifest) {
  return {
    runtime: manifest.runtime,
    inputSchema: manifest.inputSchema,
    outputSchema: manifest.outputSchema,
    resources: manifest.resources,
    batchSize: manifest.batchSize,
    timeoutMs: manifest.timeoutMs,
    example: manifest.example ?? null,
    provenance: manifest.provenance ?? null,
  };
}

/**
 * A version's content digest: its runtime, schemas, batch size and timeout, plus its code. Give it
 * the runtime as stored (secrets sealed): a secret counts by its keyed mac, so the same content
 * gives the same digest and the digest tells nothing about the secret.
 */
export function versionDigest(
  m: Pick<TModelManifest, 'runtime' | 'inputSchema' | 'outputSchema' | 'batchSize' | 'timeoutMs'> & { provenance?: Record<string, unknown> | null },
  code = '',
): string {
  const h = createHash('sha256');
  // Provenance counts only where there is one, so versions without it keep the digest they had.
  const provenance = m.provenance ? { provenance: m.provenance } : {};
  h.update(canonicalJson({ runtime: runtimeForDigest(m.runtime), input: m.inputSchema, output: m.outputSchema, batch: m.batchSize, timeout: m.timeoutMs, ...provenance }));
  h.update(code);
  return `sha256:${h.digest('hex')}`;
}
