import type { DbOrTx } from '../db/client';
import type { SmokeTestRecord } from '../db/types';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import type { Kysely } from 'kysely';
import { assertAcyclic, defineConsensus } from '../consensus/consensus.service';
import type { DB } from '../db/types';
import * as repo from './models.repository';
import * as versionRepo from './versions.repository';
import * as aliasRepo from './aliases.repository';
import { versionDigest } from './models.service';
import type { ModelSummary, ModelVersion } from './models.types';
import type { TVersionSpec } from './versions.schema';

/** Who may run commands on the workers through a `process` runtime. */
function assertMayUseRuntime(viewer: Viewer, spec: TVersionSpec): void {
  if (spec.runtime.kind === 'process' && process.env.GATEWAY_PROCESS_MODELS === 'admins' && viewer.role !== 'admin') {
    throw new AppError(
      'FORBIDDEN',
      'on this gateway only administrators may register models that run a command on the workers; use an HTTP model or ask an admin',
    );
  }
}

/** Owners change their models; admins change any model, and only they change built-ins. */
async function editableModel(db: DbOrTx, viewer: Viewer, slug: string) {
  const model = await repo.findModelOwner(db, slug);
  if (!model) throw new AppError('NOT_FOUND', `no model named "${slug}"`);
  const allowed = viewer.role === 'admin' || (!model.built_in && model.owner_id === viewer.id);
  if (!allowed) throw new AppError('FORBIDDEN', `only the owner of "${slug}" or an admin can change it`);
  return model;
}

export async function editableVersion(db: DbOrTx, viewer: Viewer, versionId: string): Promise<ModelVersion> {
  const version = await repo.findVersion(db, { id: versionId });
  if (!version) throw new AppError('NOT_FOUND', `no model version ${versionId}`);
  await editableModel(db, viewer, version.slug);
  return version;
}

export async function createModel(
  db: DbOrTx,
  viewer: Viewer,
  m: { slug: string; name: string; task: string; description: string; tags: string[] },
): Promise<ModelSummary> {
  if (await repo.findModelOwner(db, m.slug)) {
    throw new AppError('CONFLICT', `the slug "${m.slug}" is taken; choose another one`);
  }
  await repo.upsertModel(db, { ...m, ownerId: viewer.id, builtIn: false });
  return (await repo.findModelBySlug(db, m.slug))!;
}

/** A consensus's schemas are derived from its members, whatever the caller sent. */
export async function withDerivedSchemas(db: DbOrTx, slug: string, spec: TVersionSpec): Promise<TVersionSpec> {
  if (spec.runtime.kind !== 'consensus') return spec;
  const { inputSchema, outputSchema } = await defineConsensus(db, slug, spec.runtime);
  return { ...spec, inputSchema, outputSchema };
}

export async function createDraftVersion(db: DbOrTx, viewer: Viewer, slug: string, given: TVersionSpec): Promise<ModelVersion> {
  assertMayUseRuntime(viewer, given);
  const model = await editableModel(db, viewer, slug);
  const spec = await withDerivedSchemas(db, slug, given);
  const id = await repo.insertVersion(db, {
    modelId: model.id,
    version: await versionRepo.nextVersionNumber(db, model.id),
    status: 'draft',
    ...spec,
    digest: versionDigest(spec),
    createdBy: viewer.id,
  });
  return (await repo.findVersion(db, { id }))!;
}

function immutable(v: ModelVersion): AppError {
  return new AppError(
    'CONFLICT',
    `${v.slug}@${v.version} is ${v.status}, and published versions are immutable; create a new version (it starts as a copy you can edit)`,
  );
}

/** Edits a draft; a validated draft goes back to draft, since its smoke test no longer applies. */
export async function updateDraftVersion(db: DbOrTx, viewer: Viewer, versionId: string, given: TVersionSpec): Promise<ModelVersion> {
  assertMayUseRuntime(viewer, given);
  const version = await editableVersion(db, viewer, versionId);
  if (version.status !== 'draft' && version.status !== 'validated') throw immutable(version);
  const spec = await withDerivedSchemas(db, version.slug, given);
  await versionRepo.updateVersionContent(db, versionId, { ...spec, digest: versionDigest(spec) });
  return (await repo.findVersion(db, { id: versionId }))!;
}

/** Stores a smoke test's outcome: a pass validates the draft, a failure keeps it a draft. */
export async function recordSmokeTest(db: DbOrTx, versionId: string, result: SmokeTestRecord): Promise<ModelVersion> {
  await versionRepo.setVersionStatus(db, versionId, ['draft', 'validated'], result.ok ? 'validated' : 'draft', { smokeTest: result });
  return (await repo.findVersion(db, { id: versionId }))!;
}

export async function publishVersion(db: DbOrTx, viewer: Viewer, versionId: string, aliases: string[] = []): Promise<ModelVersion> {
  const version = await editableVersion(db, viewer, versionId);
  if (version.status === 'draft') {
    throw new AppError(
      'CONFLICT',
      `${version.slug}@${version.version} has not passed a smoke test${version.smokeTest ? ` (last one: ${version.smokeTest.message})` : ''}; run one first`,
    );
  }
  if (version.status !== 'validated') throw immutable(version);
  await versionRepo.setVersionStatus(db, versionId, ['validated'], 'published');
  for (const alias of aliases) await setAlias(db, viewer, version.slug, alias, version.version);
  return (await repo.findVersion(db, { id: versionId }))!;
}

/** Deprecated versions still run for callers who name them, with a warning; `slug` skips them. */
export async function deprecateVersion(db: DbOrTx, viewer: Viewer, versionId: string): Promise<ModelVersion> {
  const version = await editableVersion(db, viewer, versionId);
  if (version.status !== 'published') {
    throw new AppError('CONFLICT', `${version.slug}@${version.version} is ${version.status}; only published versions can be deprecated`);
  }
  await versionRepo.setVersionStatus(db, versionId, ['published'], 'deprecated');
  return (await repo.findVersion(db, { id: versionId }))!;
}

/** Points an alias at a published version (or removes it with `version: null`). Running jobs keep their version. */
export async function setAlias(db: DbOrTx, viewer: Viewer, slug: string, alias: string, version: number | null): Promise<Record<string, number>> {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(alias) || alias === 'latest') {
    throw new AppError('INVALID_INPUT', `"${alias}" cannot be an alias: use a lowercase word other than "latest", e.g. production`);
  }
  const model = await editableModel(db, viewer, slug);
  if (version === null) {
    if (!(await aliasRepo.deleteAlias(db, model.id, alias))) throw new AppError('NOT_FOUND', `"${slug}" has no alias "${alias}"`);
  } else {
    const target = await repo.findVersion(db, { slug, version });
    if (!target) throw new AppError('NOT_FOUND', `model "${slug}" has no version ${version}`);
    if (target.status !== 'published') {
      throw new AppError('CONFLICT', `${slug}@${version} is ${target.status}; aliases point only at published versions`);
    }
    const move = async (tx: DbOrTx) => {
      await aliasRepo.upsertAlias(tx, { modelId: model.id, name: alias, versionId: target.id, userId: viewer.id });
      // Through aliases, a move can close a loop of consensus models: check with the alias moved.
      await assertAcyclic(tx, slug, target);
    };
    if (db.isTransaction) await move(db);
    else await (db as Kysely<DB>).transaction().execute(move);
  }
  return aliasRepo.listAliases(db, model.id);
}
