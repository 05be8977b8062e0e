import { createHash } from 'node:crypto';
import type { DbOrTx } from '../db/client';
import { AppError } from '../errors';
import * as repo from './models.repository';
import * as versionRepo from './versions.repository';
import * as aliasRepo from './aliases.repository';
import type { TModelManifest } from './models.schema';
import type { ModelDetail, ModelSummary, ModelVersion } from './models.types';

export async function listModels(
  db: DbOrTx,
  q: { search?: string; task?: string; tag?: string; owner?: string; status?: repo.ModelFilters['status']; limit: number; offset: number },
  viewer?: { id: string },
) {
  const { owner, ...rest } = q;
  const byOwner = owner === 'me' ? { ownerId: viewer?.id ?? '00000000-0000-0000-0000-000000000000' } : owner ? { ownerEmail: owner } : {};
  return repo.listModels(db, { ...rest, ...byOwner });
}

export async function listTags(db: DbOrTx): Promise<string[]> {
  return repo.listTags(db);
}

export async function listTasks(db: DbOrTx): Promise<string[]> {
  return repo.listTasks(db);
}

/**
 * A model with its versions and aliases. Drafts (their commands, URLs and headers) are shown
 * only to the model's owner and to admins.
 */
export async function getModel(db: DbOrTx, slug: string, viewer?: { id: string; role: string }): Promise<ModelDetail> {
  const model = await repo.findModelBySlug(db, slug);
  if (!model) throw new AppError('NOT_FOUND', `no model named "${slug}"; list models to see the available slugs`);
  const [versions, aliases] = await Promise.all([repo.listVersions(db, model.id), aliasRepo.listAliases(db, model.id)]);
  const seesDrafts = !viewer || viewer.role === 'admin' || model.ownerId === viewer.id;
  const visible = seesDrafts ? versions : versions.filter((v) => v.status === 'published' || v.status === 'deprecated');
  return { ...model, versions: visible, aliases };
}

/** The viewer's unfinished versions, newest first, for "resume" lists. */
export async function listMyDrafts(db: DbOrTx, viewer: { id: string }) {
  return versionRepo.listDraftsOf(db, viewer.id);
}

export async function updateModelInfo(
  db: DbOrTx,
  viewer: { id: string; role: string },
  slug: string,
  info: { name: string; task: string; description: string; tags: string[] },
): Promise<ModelSummary> {
  const model = await repo.findModelOwner(db, slug);
  if (!model) throw new AppError('NOT_FOUND', `no model named "${slug}"`);
  if (!(viewer.role === 'admin' || (!model.built_in && model.owner_id === viewer.id))) {
    throw new AppError('FORBIDDEN', `only the owner of "${slug}" or an admin can change it`);
  }
  await repo.updateModelInfo(db, model.id, info);
  return (await repo.findModelBySlug(db, slug))!;
}

/**
 * Resolves what a caller names — `slug`, `slug@3`, `slug@latest` or `slug@<alias>` — to a
 * runnable version. Drafts never run through this path; deprecated versions still do for
 * callers who name them.
 */
export async function resolveModelRef(db: DbOrTx, ref: string): Promise<ModelVersion> {
  const match = /^([a-zA-Z0-9][a-zA-Z0-9-]*)(?:@([a-z0-9-]+))?$/.exec(ref.trim());
  if (!match) {
    throw new AppError('INVALID_INPUT', `"${ref}" is not a model reference; use "slug", "slug@3", "slug@latest" or "slug@production"`);
  }
  const [, slug, tag = 'latest'] = match;
  const found =
    tag === 'latest'
      ? await repo.findVersion(db, { slug, version: 'latest' })
      : /^\d+$/.test(tag)
        ? await repo.findVersion(db, { slug, version: Number(tag) })
        : await aliasRepo.findVersionByAlias(db, slug, tag);
  if (!found) {
    const model = await repo.findModelBySlug(db, slug);
    if (!model) throw new AppError('NOT_FOUND', `no model named "${slug}"; list models to see the available slugs`);
    if (/^\d+$/.test(tag) || tag === 'latest') throw new AppError('NOT_FOUND', `model "${slug}" has no published version ${tag}`);
    const aliases = Object.keys(await aliasRepo.listAliases(db, model.id));
    throw new AppError(
      'NOT_FOUND',
      `model "${slug}" has no alias "${tag}"${aliases.length ? `; its aliases are ${aliases.join(', ')}` : '; it has no aliases yet'}`,
    );
  }
  if (found.status === 'draft' || found.status === 'validated') {
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
  };
}

export function versionDigest(m: Pick<TModelManifest, 'runtime' | 'inputSchema' | 'outputSchema' | 'batchSize' | 'timeoutMs'>, code = ''): string {
  const h = createHash('sha256');
  h.update(stableStringify({ runtime: m.runtime, input: m.inputSchema, output: m.outputSchema, batch: m.batchSize, timeout: m.timeoutMs }));
  h.update(code);
  return `sha256:${h.digest('hex')}`;
}

/**
 * Registers a model version described by a manifest. Published versions are immutable: the
 * same version with different content is refused, except for built-ins, which ship with the
 * code and are refreshed in place.
 */
export async function registerFromManifest(
  db: DbOrTx,
  manifest: TModelManifest,
  opts: { ownerId: string | null; builtIn: boolean; codeDigest?: string },
): Promise<{ model: ModelSummary; version: ModelVersion; created: boolean }> {
  const digest = versionDigest(manifest, opts.codeDigest);
  const modelId = await repo.upsertModel(db, {
    slug: manifest.slug,
    name: manifest.name,
    task: manifest.task,
    description: manifest.description,
    tags: manifest.tags,
    ownerId: opts.ownerId,
    builtIn: opts.builtIn,
  });
  const existing = await repo.findVersion(db, { slug: manifest.slug, version: manifest.version });
  let created = false;
  if (!existing) {
    await repo.insertVersion(db, {
      modelId,
      version: manifest.version,
      status: 'published',
      ...specOf(manifest),
      digest,
      createdBy: opts.ownerId,
    });
    created = true;
  } else if (existing.digest !== digest) {
    if (!opts.builtIn) {
      throw new AppError(
        'CONFLICT',
        `${manifest.slug}@${manifest.version} is already published with different content; versions are immutable, so bump "version" in the manifest`,
      );
    }
    await repo.replaceBuiltInVersion(db, existing.id, {
      ...specOf(manifest),
      digest,
    });
  }
  const version = await repo.findVersion(db, { slug: manifest.slug, version: manifest.version });
  const model = await repo.findModelBySlug(db, manifest.slug);
  return { model: model!, version: version!, created };
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
