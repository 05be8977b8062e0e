import path from 'node:path';
import type { DbOrTx } from '../db/client';
import { projectRoot } from '../models/manifest';
import type { TModelManifest } from '../models/models.schema';
import { saveBundle } from './bundles.service';
import { DEFAULT_SKIP, packBundle, type PackSource } from './pack';

// Node models are ES modules in TypeScript (run with `node --import tsx`): a package.json at
// the bundle's root says so, as the gateway's own does for its checkout.
const ESM_PACKAGE_JSON = '{ "type": "module" }\n';

/**
 * A model folder of this checkout (a built-in under models/, a test fixture) as a bundle: the
 * folder at its own relative path, with the shared models/_lib and models/_science beside it,
 * so `../_lib/…` imports resolve inside the bundle as they do in the checkout. A folder outside
 * the checkout is packed alone, at the bundle's root.
 */
export async function packModelFolder(dir: string): Promise<{ bytes: Buffer; cwd: string }> {
  const rel = path.relative(projectRoot, path.resolve(dir)).split(path.sep).join('/');
  const skip = (p: string) => DEFAULT_SKIP(p) || p.endsWith('.test.ts');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return { bytes: await packBundle([{ dir }], { skip }), cwd: '' };
  const sources: PackSource[] = [{ dir, at: rel }];
  for (const shared of ['models/_lib', 'models/_science']) if (!rel.startsWith(shared)) sources.push({ dir: path.join(projectRoot, shared), at: shared });
  return { bytes: await packBundle(sources, { skip, extra: { 'package.json': ESM_PACKAGE_JSON } }), cwd: rel };
}

/** Stores a checkout's model folder as a bundle and points the manifest's process runtime at it. */
export async function withFolderBundle(db: DbOrTx, dir: string, manifest: TModelManifest): Promise<TModelManifest> {
  if (manifest.runtime.kind !== 'process') return manifest;
  const { bytes, cwd } = await packModelFolder(dir);
  const { digest } = await saveBundle(db, { bytes, uploadedBy: null });
  const { cwd: _hostCwd, ...runtime } = manifest.runtime;
  return { ...manifest, runtime: { ...runtime, bundle: digest, ...(cwd ? { cwd } : {}) } };
}
