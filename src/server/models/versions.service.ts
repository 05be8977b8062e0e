import type { DbOrTx } from '../db/client';
import type { ModelVisibility, SmokeTestRecord } from '../db/types';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import { assertBundleUsable } from '../bundles/bundles.service';
import { defineConsensus } from '../consensus/consensus.service';
import { assertOutboundAllowed } from '../outbound/outbound-hosts';
import { sealRuntimeSecrets } from '../secrets/runtime-secrets';
import { hasAccess } from '../../shared/permissions';
import { EDITABLE_STATUSES, isEditable } from '../../shared/version-status';
import * as repo from './models.repository';
import * as versionRepo from './versions.repository';
import { setAlias } from './aliases.service';
import { checkAccessSettings } from './sharing.service';
import { editableModel, versionDigest } from './models.service';
import type { ModelSummary, ModelVersion } from './models.types';
import type { TRuntimeSpec } from './models.schema';
import type { TVersionSpec } from './versions.schema';

type DbDeps = Pick<Deps, 'db'>;

/**
 * Who may use a runtime: a process runtime runs a bundle (uploaded first) in the sandbox; one
 * without a bundle runs a command of the worker host, which only admins may register.
 */
async function assertMayUseRuntime(db: DbOrTx, viewer: Viewer, spec: TVersionSpec): Promise<void> {
  if (spec.runtime.kind !== 'process') return;
  if (!spec.runtime.bundle && viewer.role !== 'admin') {
    throw new AppError(
      'FORBIDDEN',
      'a process runtime without a bundle runs a command on the worker host, which only administrators may register; upload your model folder as a bundle instead (the wizard\'s "Upload a bundle", the SDK\'s registerFromManifest(folder), or npm run models:register -- <folder>)',
    );
  }
  await assertBundleUsable(db, spec.runtime);
}

/**
 * A version of a model the viewer may change. A version they may not see — of a model they may
 * not see, or a draft of one they do not maintain — is NOT_FOUND like a missing one; a published
 * version of a model they see but do not maintain is FORBIDDEN, saying who may.
 */
export async function editableVersion(db: DbOrTx, viewer: Viewer, versionId: string): Promise<ModelVersion> {
  const version = await repo.findVersion(db, { id: versionId });
  const model = version && (await repo.findModelBySlug(db, version.slug, viewer));
  if (!version || !model || !hasAccess(model.access, 'view') || (isEditable(version.status) && !hasAccess(model.access, 'maintain'))) {
    throw new AppError('NOT_FOUND', `no model version ${versionId}`);
  }
  await editableModel(db, viewer, version.slug);
  return version;
}

export async function getEditableVersion({ db }: DbDeps, viewer: Viewer, { versionId }: { versionId: string }): Promise<ModelVersion> {
  return editableVersion(db, viewer, versionId);
}

export async function createModel(
  { db }: DbDeps,
  viewer: Viewer,
  m: { slug: string; name: string; task: string; description: string; tags: string[]; visibility?: ModelVisibility; teamId?: string | null },
): Promise<ModelSummary> {
  // Private unless said otherwise: its owner shares it (a team, the organisation, grants).
  const access = { visibility: m.visibility ?? 'private', teamId: m.teamId ?? null };
  await checkAccessSettings(db, viewer, access);
  const created = await repo.insertModel(db, { ...m, ...access, ownerId: viewer.id, ownerEmail: viewer.email, builtIn: false });
  if (!created) throw new AppError('CONFLICT', `the slug "${m.slug}" is taken; choose another one`);
  return created;
}

/** A consensus's schemas are derived from its members (each one its owner may run), whatever the caller sent. */
export async function withDerivedSchemas(db: DbOrTx, viewer: Viewer, slug: string, spec: TVersionSpec): Promise<TVersionSpec> {
  if (spec.runtime.kind !== 'consensus') return spec;
  const { inputSchema, outputSchema } = await defineConsensus(db, viewer, slug, spec.runtime);
  return { ...spec, inputSchema, outputSchema };
}

/**
 * A spec as it is stored: its URL one the gateway may call, its secrets sealed. A masked secret
 * keeps the value `previous` holds under the same name.
 */
export function storedSpec<S extends { runtime: TRuntimeSpec }>(spec: S, previous?: Pick<ModelVersion, 'runtime'> | null): S {
  assertOutboundAllowed(spec.runtime);
  return { ...spec, runtime: sealRuntimeSecrets(spec.runtime, previous?.runtime) };
}

/** The version of the same model whose secrets a new draft's masked values keep. */
async function secretsSource(db: DbOrTx, viewer: Viewer, model: ModelSummary, versionId: string | undefined): Promise<ModelVersion | null> {
  if (!versionId) return null;
  const source = await editableVersion(db, viewer, versionId);
  if (source.modelId !== model.id) throw new AppError('INVALID_INPUT', `secretsFrom: ${source.slug}@${source.version} is not a version of "${model.slug}"`);
  return source;
}

export async function createDraftVersion(
  { db }: DbDeps,
  viewer: Viewer,
  { slug, spec: given, secretsFrom }: { slug: string; spec: TVersionSpec; secretsFrom?: string },
): Promise<ModelVersion> {
  await assertMayUseRuntime(db, viewer, given);
  const model = await editableModel(db, viewer, slug);
  const spec = storedSpec(await withDerivedSchemas(db, viewer, slug, given), await secretsSource(db, viewer, model, secretsFrom));
  return repo.insertVersion(db, model.slug, {
    modelId: model.id,
    version: await versionRepo.nextVersionNumber(db, model.id),
    status: 'draft',
    ...spec,
    digest: versionDigest(spec),
    createdBy: viewer.id,
  });
}

function immutable(v: ModelVersion): AppError {
  return new AppError(
    'CONFLICT',
    `${v.slug}@${v.version} is ${v.status}, and published versions are immutable; create a new version (it starts as a copy you can edit)`,
  );
}

/** Edits a draft; a validated draft goes back to draft, since its smoke test no longer applies. */
export async function updateDraftVersion(
  { db }: DbDeps,
  viewer: Viewer,
  { versionId, spec: given }: { versionId: string; spec: TVersionSpec },
): Promise<ModelVersion> {
  await assertMayUseRuntime(db, viewer, given);
  const version = await editableVersion(db, viewer, versionId);
  if (!isEditable(version.status)) throw immutable(version);
  const spec = storedSpec(await withDerivedSchemas(db, viewer, version.slug, given), version);
  const updated = await versionRepo.updateVersionContent(db, version.slug, versionId, { ...spec, digest: versionDigest(spec) });
  if (!updated) throw immutable(await editableVersion(db, viewer, versionId));
  return updated;
}

/** Stores a smoke test's outcome: a pass validates the draft, a failure keeps it a draft. */
export async function recordSmokeTest(db: DbOrTx, version: ModelVersion, result: SmokeTestRecord): Promise<ModelVersion> {
  const updated = await versionRepo.setVersionStatus(db, version, EDITABLE_STATUSES, result.ok ? 'validated' : 'draft', { smokeTest: result });
  if (!updated) throw new AppError('CONFLICT', `${version.slug}@${version.version} was published while its smoke test ran; the result was not recorded`);
  return updated;
}

export async function publishVersion(
  { db }: DbDeps,
  viewer: Viewer,
  { versionId, aliases = [] }: { versionId: string; aliases?: string[] },
): Promise<ModelVersion> {
  const version = await editableVersion(db, viewer, versionId);
  if (version.status === 'draft') {
    throw new AppError(
      'CONFLICT',
      `${version.slug}@${version.version} has not passed a smoke test${version.smokeTest ? ` (last one: ${version.smokeTest.message})` : ''}; run one first`,
    );
  }
  if (version.status !== 'validated') throw immutable(version);
  const published = await versionRepo.setVersionStatus(db, version, ['validated'], 'published');
  if (!published) throw immutable(await editableVersion(db, viewer, versionId));
  for (const alias of aliases) await setAlias({ db }, viewer, { slug: version.slug, alias, version: version.version });
  return published;
}

/** Deprecated versions still run for callers who name them, with a warning; `slug` skips them. */
export async function deprecateVersion({ db }: DbDeps, viewer: Viewer, { versionId }: { versionId: string }): Promise<ModelVersion> {
  const version = await editableVersion(db, viewer, versionId);
  const deprecated = version.status === 'published' ? await versionRepo.setVersionStatus(db, version, ['published'], 'deprecated') : undefined;
  if (!deprecated) {
    throw new AppError('CONFLICT', `${version.slug}@${version.version} is ${version.status}; only published versions can be deprecated`);
  }
  return deprecated;
}

/**
 * The owner's switch for the result cache: off for a model whose outputs are not a function of
 * its input (random seeds, a live service). Off, nothing is answered from the cache or kept in it;
 * it is policy, not content, so the digest does not change.
 */
export async function setVersionCache({ db }: DbDeps, viewer: Viewer, { versionId, enabled }: { versionId: string; enabled: boolean }): Promise<ModelVersion> {
  const version = await editableVersion(db, viewer, versionId);
  if (version.runtime.kind === 'consensus') {
    throw new AppError('INVALID_INPUT', `${version.slug}@${version.version} is a consensus: its members' own cache settings apply`);
  }
  const updated = await versionRepo.setCacheEnabled(db, version, enabled);
  if (!updated) throw new AppError('NOT_FOUND', `no model version ${versionId}`);
  return updated;
}

/**
 * An admin's leave (or its withdrawal) for a version whose runtime asks for `network: true` to
 * reach the network from its sandbox. It is policy, not content: the digest does not change.
 */
export async function setNetworkAllowed(
  { db }: DbDeps,
  viewer: Viewer,
  { versionId, allowed }: { versionId: string; allowed: boolean },
): Promise<ModelVersion> {
  if (viewer.role !== 'admin') throw new AppError('FORBIDDEN', 'only administrators may let a model reach the network');
  const version = await repo.findVersion(db, { id: versionId });
  if (!version) throw new AppError('NOT_FOUND', `no model version ${versionId}`);
  if (allowed && (version.runtime.kind !== 'process' || !version.runtime.network)) {
    throw new AppError('INVALID_INPUT', `${version.slug}@${version.version} does not ask for the network; its runtime would need "network": true`);
  }
  const updated = await versionRepo.setNetworkAllowed(db, version, allowed);
  if (!updated) throw new AppError('NOT_FOUND', `no model version ${versionId}`);
  return updated;
}
