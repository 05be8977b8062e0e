import { createHash } from 'node:crypto';
import type { DbOrTx } from '../db/client';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import { canonicalJson } from '../../shared/canonical-json';
import { closestNames } from '../../shared/closest-names';
import { parseModelRef } from '../../shared/model-ref';
import { hasAccess, type ModelAccess } from '../../shared/permissions';
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

/**
 * The one answer for a slug that no model has and for one the viewer may not see: they read alike.
 * It names the closest slugs so a caller (a person, a script or the agent) can correct itself —
 * among the models this viewer may see only, or the hint would disclose the others.
 */
export async function noSuchModel(db: DbOrTx, viewer: Viewer | null, slug: string): Promise<AppError> {
  const near = closestNames(slug, await repo.listSlugs(db, viewer));
  const hint = near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : '; list models to see the available slugs';
  return new AppError('NOT_FOUND', `no model named "${slug}"${hint}`, near.length ? { suggestions: near } : undefined);
}

export async function listModels({ db }: DbDeps, viewer: Viewer | null, q: TListModelsInput) {
  const { owner, ...rest } = q;
  const byOwner = owner === 'me' ? { ownerId: viewer?.id ?? NO_ONE } : owner ? { ownerEmail: owner } : {};
  return repo.listModels(db, viewer, { ...rest, ...byOwner });
}

export async function listTags({ db }: DbDeps, viewer: Viewer | null): Promise<string[]> {
  return repo.listTags(db, viewer);
}

export async function listTasks({ db }: DbDeps, viewer: Viewer | null): Promise<string[]> {
  return repo.listTasks(db, viewer);
}

const NEEDS: Record<Exclude<ModelAccess, 'none'>, string> = { view: 'see', run: 'run', maintain: 'change' };

/** Who may do more with a model than the viewer, in words, for a FORBIDDEN message. */
function whoMay(model: ModelSummary, need: ModelAccess): string {
  if (model.builtIn) return `only administrators can change the built-in model "${model.slug}"`;
  const owner = model.ownerEmail ? `its owner (${model.ownerEmail})` : 'its owner';
  if (need === 'run') return `you may see "${model.slug}" but not run it; ask ${owner} to share it with you to run`;
  const team = model.teamName && model.visibility !== 'private' ? `, the maintainers of team ${model.teamName}` : '';
  return `only those who maintain "${model.slug}" can change it: ${owner}${team}, people it is shared with to maintain, and administrators`;
}

/**
 * A model the viewer may `need` (see, run or change): NOT_FOUND when they may not see it (as for a
 * slug no model has), FORBIDDEN saying who may when they see it but may not do that.
 */
export async function modelFor(db: DbOrTx, viewer: Viewer | null, slug: string, need: Exclude<ModelAccess, 'none'> = 'view'): Promise<ModelSummary> {
  const model = await repo.findModelBySlug(db, slug, viewer);
  if (!model || !hasAccess(model.access, 'view')) throw await noSuchModel(db, viewer, slug);
  if (!hasAccess(model.access, need)) throw new AppError('FORBIDDEN', whoMay(model, need));
  return model;
}

/**
 * A model with its versions and aliases. Drafts (their commands and URLs) are shown only to those
 * who may edit the model; secret values (headers, env) to nobody, masked on the way out.
 */
export async function getModel({ db }: DbDeps, viewer: Viewer | null, { slug }: { slug: string }): Promise<ModelDetail> {
  const model = await modelFor(db, viewer, slug);
  const [versions, aliases] = await Promise.all([repo.listVersions(db, model.id), aliasRepo.listAliases(db, model.id)]);
  const visible = hasAccess(model.access, 'maintain') ? versions : versions.filter((v) => isRunnable(v.status));
  return { ...model, versions: visible, aliases };
}

/** The viewer's unfinished versions, newest first, for "resume" lists. */
export async function listMyDrafts({ db }: DbDeps, viewer: Viewer) {
  return versionRepo.listDraftsOf(db, viewer.id);
}

/** A model the viewer may change: NOT_FOUND when they may not see it, FORBIDDEN saying who may when they see it. */
export async function editableModel(db: DbOrTx, viewer: Viewer, slug: string): Promise<ModelSummary> {
  return modelFor(db, viewer, slug, 'maintain');
}

export async function updateModelInfo(
  { db }: DbDeps,
  viewer: Viewer,
  info: { slug: string; name: string; task: string; description: string; tags: string[] },
): Promise<ModelSummary> {
  const model = await editableModel(db, viewer, info.slug);
  const updated = await repo.updateModelInfo(db, model.id, info, viewer);
  if (!updated) throw await noSuchModel(db, viewer, info.slug);
  return updated;
}

/**
 * Item-level usage of a model's versions over the last `days` days. Other callers' failures are
 * counted by code, never shown: their inputs are theirs.
 */
export async function getModelUsage({ db }: DbDeps, viewer: Viewer, q: { slug: string; days: number }): Promise<ModelUsage> {
  const model = await modelFor(db, viewer, q.slug);
  return modelUsage(db, model.id, q.days, viewer.id);
}

/**
 * Resolves what a caller names — `slug`, `slug@3`, `slug@latest` or `slug@<alias>` — to a
 * version the viewer may `need` (run, by default). A model they may not see is NOT_FOUND, as is a
 * draft of a model they do not maintain. Drafts never run through this path; deprecated versions
 * still do for callers who name them.
 */
export async function resolveModelRef(db: DbOrTx, viewer: Viewer, ref: string, need: 'view' | 'run' = 'run'): Promise<ModelVersion> {
  const parsed = parseModelRef(ref);
  if (!parsed) {
    throw new AppError('INVALID_INPUT', `"${ref.slice(0, 100)}" is not a model reference; use "slug", "slug@3", "slug@latest" or "slug@production"`);
  }
  const { slug, selector } = parsed;
  // Both reads at once (a prediction waits on them): the version is only returned once the access check passes.
  const [model, found] = await Promise.all([
    modelFor(db, viewer, slug, need),
    selector.kind === 'latest'
      ? repo.findVersion(db, { slug, version: 'latest' })
      : selector.kind === 'number'
        ? repo.findVersion(db, { slug, version: selector.version })
        : aliasRepo.findVersionByAlias(db, slug, selector.alias),
  ]);
  const hidden = found && isEditable(found.status) && !hasAccess(model.access, 'maintain');
  if (!found || hidden) {
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
    cache: manifest.cache,
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
