import type { ModelVisibility, SmokeTestRecord } from '../db/types';
import { hasAccess } from '../../shared/permissions';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import { isRunnable } from '../../shared/version-status';
import * as repo from './models.repository';
import * as versionRepo from './versions.repository';
import type { TModelManifest } from './models.schema';
import { specOf, versionDigest } from './models.service';
import type { ModelVersion } from './models.types';
import { runSmokeTest } from './smoke-test.service';
import { createDraftVersion, createModel, publishVersion, storedSpec, updateDraftVersion, withDerivedSchemas } from './versions.service';

export interface ManifestRegistration {
  slug: string;
  version: ModelVersion;
  smokeTest: SmokeTestRecord | null;
  /** What happened: `unchanged` when the same content was already registered. */
  outcome: 'published' | 'draft' | 'unchanged';
}

/**
 * A user's model from its manifest, through the same steps as the wizard: create the model
 * (first time), create or edit the draft of `manifest.version`, smoke-test its example, and
 * publish when asked and the test passed. Registering the same content again changes nothing.
 */
export async function registerManifest(
  deps: Deps,
  viewer: Viewer,
  {
    manifest,
    publish,
    aliases = [],
    access,
  }: { manifest: TModelManifest; publish: boolean; aliases?: string[]; access?: { visibility?: ModelVisibility; teamId?: string | null } },
): Promise<ManifestRegistration> {
  const spec = await withDerivedSchemas(deps.db, viewer, manifest.slug, specOf(manifest));
  const existing = await repo.findModelBySlug(deps.db, manifest.slug, viewer);
  // A slug is unique across the organisation: one taken by a model the viewer cannot see is taken all the same.
  if (existing && !hasAccess(existing.access, 'view')) throw new AppError('CONFLICT', `the slug "${manifest.slug}" is taken; choose another one`);
  const model =
    existing ??
    (await createModel(deps, viewer, {
      slug: manifest.slug,
      name: manifest.name,
      task: manifest.task,
      description: manifest.description,
      tags: manifest.tags,
      visibility: access?.visibility,
      teamId: access?.teamId,
    }));
  let version = await repo.findVersion(deps.db, { slug: manifest.slug, version: manifest.version });
  // Masked secrets keep those of the version being re-registered; the digest counts sealed values by their mac.
  const digest = versionDigest(storedSpec(spec, version));
  if (version && isRunnable(version.status) && version.digest === digest) {
    return { slug: manifest.slug, version, smokeTest: version.smokeTest, outcome: 'unchanged' };
  }
  if (!version) {
    const next = await versionRepo.nextVersionNumber(deps.db, model.id);
    if (manifest.version !== next) {
      throw new AppError('INVALID_INPUT', `the next version of "${manifest.slug}" is ${next}; set "version": ${next} in the manifest`);
    }
    version = await createDraftVersion(deps, viewer, { slug: manifest.slug, spec });
  } else if (version.digest !== digest) {
    // A published version refuses this with a message that says to bump "version".
    version = await updateDraftVersion(deps, viewer, { versionId: version.id, spec });
  }
  let smokeTest = version.smokeTest;
  if (version.status === 'draft') {
    const tested = await runSmokeTest(deps, viewer, { versionId: version.id });
    version = tested.version;
    smokeTest = tested.result;
  }
  if (version.status !== 'validated' || !publish) return { slug: manifest.slug, version, smokeTest, outcome: 'draft' };
  const published = await publishVersion(deps, viewer, { versionId: version.id, aliases });
  return { slug: manifest.slug, version: published, smokeTest, outcome: 'published' };
}
