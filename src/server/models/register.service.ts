import type { SmokeTestRecord } from '../db/types';
import { AppError } from '../errors';
import type { Viewer } from '../users/viewer';
import * as repo from './models.repository';
import * as versionRepo from './versions.repository';
import type { TModelManifest } from './models.schema';
import { specOf, versionDigest } from './models.service';
import type { ModelVersion } from './models.types';
import { runSmokeTest, type SmokeDeps } from './smoke-test.service';
import { createDraftVersion, createModel, publishVersion, updateDraftVersion, withDerivedSchemas } from './versions.service';

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
  deps: SmokeDeps,
  viewer: Viewer,
  manifest: TModelManifest,
  opts: { publish: boolean; aliases?: string[] },
): Promise<ManifestRegistration> {
  const spec = await withDerivedSchemas(deps.db, manifest.slug, specOf(manifest));
  if (!(await repo.findModelOwner(deps.db, manifest.slug))) {
    await createModel(deps.db, viewer, { slug: manifest.slug, name: manifest.name, task: manifest.task, description: manifest.description, tags: manifest.tags });
  }
  const digest = versionDigest(spec);
  let version = await repo.findVersion(deps.db, { slug: manifest.slug, version: manifest.version });
  if (version && (version.status === 'published' || version.status === 'deprecated') && version.digest === digest) {
    return { slug: manifest.slug, version, smokeTest: version.smokeTest, outcome: 'unchanged' };
  }
  if (!version) {
    const next = await versionRepo.nextVersionNumber(deps.db, (await repo.findModelOwner(deps.db, manifest.slug))!.id);
    if (manifest.version !== next) {
      throw new AppError('INVALID_INPUT', `the next version of "${manifest.slug}" is ${next}; set "version": ${next} in the manifest`);
    }
    version = await createDraftVersion(deps.db, viewer, manifest.slug, spec);
  } else if (version.digest !== digest) {
    // A published version refuses this with a message that says to bump "version".
    version = await updateDraftVersion(deps.db, viewer, version.id, spec);
  }
  let smokeTest = version.smokeTest;
  if (version.status === 'draft') {
    const tested = await runSmokeTest(deps, viewer, version.id);
    version = tested.version;
    smokeTest = tested.result;
  }
  if (version.status !== 'validated' || !opts.publish) return { slug: manifest.slug, version, smokeTest, outcome: 'draft' };
  const published = await publishVersion(deps.db, viewer, version.id, opts.aliases ?? []);
  return { slug: manifest.slug, version: published, smokeTest, outcome: 'published' };
}
