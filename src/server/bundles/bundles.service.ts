import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { DbOrTx } from '../db/client';
import type { Deps } from '../deps';
import { audit } from '../audit/audit.service';
import { AppError } from '../errors';
import type { TProcessRuntime } from '../models/models.schema';
import type { Viewer } from '../users/viewer';
import { SECRET_MASK } from '../../shared/secrets';
import { bundleLimits, normaliseEntryPath, readArchive, type BundleLimits } from './archive';
import { createBundleStore, type BundleStore } from './bundle-store';
import * as repo from './bundles.repository';
import type { BundleInfo } from './bundles.repository';
import type { UploadedBundle } from '../../shared/bundles';
export type { UploadedBundle };


const MANIFEST_MAX_BYTES = 1024 * 1024;

let s3Store: BundleStore | undefined;

/** The configured store: S3 when `BUNDLE_STORE=s3` (one client per process), else this database. */
export function bundleStore(db: DbOrTx): BundleStore {
  if ((process.env.BUNDLE_STORE ?? 'db') === 'db') return createBundleStore(db);
  s3Store ??= createBundleStore(db);
  return s3Store;
}

/** Reads a request body up to `limit` bytes, refusing more while it streams (whatever Content-Length said). */
export async function readCapped(body: AsyncIterable<Uint8Array> | null, limit: number): Promise<Buffer> {
  if (!body) throw new AppError('INVALID_INPUT', 'send the bundle (.tar.gz or .zip) as the request body');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      throw new AppError('PAYLOAD_TOO_LARGE', `the bundle is larger than ${Math.round(limit / 1024 / 1024)} MB, the limit for an upload; leave out what the model does not need (data can come from its inputs)`, { limit });
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * Checks an archive entry by entry, stores it content-addressed and records who uploaded it.
 * The same bytes uploaded again give the same digest and change nothing.
 */
export async function saveBundle(
  db: DbOrTx,
  { bytes, uploadedBy, limits = bundleLimits(), store = bundleStore(db) }: { bytes: Buffer; uploadedBy: string | null; limits?: BundleLimits; store?: BundleStore },
): Promise<UploadedBundle & { info: BundleInfo }> {
  const candidates = new Map<string, Buffer>();
  const summary = await readArchive(bytes, limits, (entry, content) => {
    if (posix.basename(entry.path) === 'model.json' && entry.path.split('/').length <= 2 && content.length <= MANIFEST_MAX_BYTES) candidates.set(entry.path, content);
  });
  if (summary.files === 0) throw new AppError('INVALID_INPUT', 'the bundle holds no files; pack the model folder with its program and model.json');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const found = findManifest(summary.entries.map((e) => e.path), candidates, digest);
  await store.put(digest, bytes);
  const info = await repo.insertBundle(db, {
    digest,
    store: store.kind,
    format: summary.format,
    sizeBytes: bytes.length,
    unpackedBytes: summary.unpackedBytes,
    files: summary.files,
    manifest: found.manifest ? withoutSecrets(found.manifest) : null,
    uploadedBy,
  });
  return { digest, sizeBytes: bytes.length, files: summary.files, ...found, info };
}

/** A signed-in user's upload (the route handler, and any other surface, call this). */
export async function uploadBundle({ db }: Pick<Deps, 'db'>, viewer: Viewer, { body }: { body: AsyncIterable<Uint8Array> | Buffer | null }): Promise<UploadedBundle> {
  const limits = bundleLimits();
  const bytes = Buffer.isBuffer(body) ? body : await readCapped(body, limits.maxBytes);
  const { info: _info, ...answer } = await saveBundle(db, { bytes, uploadedBy: viewer.id, limits });
  // The bytes may live in a bucket, outside any transaction; bundles are content-addressed, so the
  // entry follows the write (an upload repeated after a failure stores nothing new).
  await audit(db, viewer, { action: 'bundle.upload', entity: { type: 'bundle', id: answer.digest }, after: { digest: answer.digest, sizeBytes: answer.sizeBytes, files: answer.files } });
  return answer;
}

/** The manifest as recorded beside the bundle: env and header values masked (registration seals them). */
function withoutSecrets(manifest: Record<string, unknown>): Record<string, unknown> {
  const runtime = manifest.runtime as Record<string, unknown> | undefined;
  if (!runtime || typeof runtime !== 'object') return manifest;
  const mask = (m: unknown) => (m && typeof m === 'object' ? Object.fromEntries(Object.keys(m).map((k) => [k, SECRET_MASK])) : m);
  return { ...manifest, runtime: { ...runtime, ...('env' in runtime ? { env: mask(runtime.env) } : {}), ...('headers' in runtime ? { headers: mask(runtime.headers) } : {}) } };
}

function findManifest(paths: string[], candidates: Map<string, Buffer>, digest: string): Pick<UploadedBundle, 'manifest' | 'manifestError'> {
  let at = candidates.has('model.json') ? 'model.json' : undefined;
  if (!at) {
    const tops = new Set(paths.map((p) => p.split('/')[0]));
    const [only] = tops;
    if (tops.size === 1 && candidates.has(`${only}/model.json`)) at = `${only}/model.json`;
  }
  if (!at) return {};
  let manifest: Record<string, unknown>;
  try {
    const parsed = JSON.parse(candidates.get(at)!.toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { manifestError: `${at} is not a JSON object` };
    manifest = parsed;
  } catch (e) {
    return { manifestError: `${at} is not valid JSON: ${(e as Error).message}` };
  }
  const runtime = manifest.runtime as Partial<TProcessRuntime> | undefined;
  if (runtime && typeof runtime === 'object' && runtime.kind === 'process') {
    const dir = posix.dirname(at) === '.' ? '' : posix.dirname(at);
    const cwd = posix.normalize(posix.join(dir, typeof runtime.cwd === 'string' ? runtime.cwd : '.'));
    const { cwd: _given, ...rest } = runtime;
    // The manifest's cwd is relative to its own folder; a runtime's is relative to the bundle.
    manifest.runtime = { ...rest, bundle: digest, ...(cwd === '.' ? {} : { cwd }) };
  }
  return { manifest };
}

/** The folder a bundle's program runs in, relative to the bundle's root ('' for the root), or a refusal. */
export function bundleCwd(runtime: Pick<TProcessRuntime, 'cwd'>): string {
  if (!runtime.cwd) return '';
  try {
    return normaliseEntryPath(runtime.cwd) ?? '';
  } catch {
    throw new AppError('INVALID_INPUT', `runtime.cwd "${runtime.cwd.slice(0, 200)}" must be a folder inside the bundle: relative, without ".."`);
  }
}

/** A runtime may name a bundle only once it has been uploaded; its cwd must lie inside it. */
export async function assertBundleUsable(db: DbOrTx, runtime: TProcessRuntime): Promise<void> {
  if (!runtime.bundle) return;
  bundleCwd(runtime);
  if (!(await repo.findBundle(db, runtime.bundle))) {
    throw new AppError('NOT_FOUND', `no bundle ${runtime.bundle} on this gateway; upload the model folder first (POST /api/bundles, the wizard's "Upload a bundle", or the SDK's registerFromManifest(folder))`);
  }
}

export async function getBundle(db: DbOrTx, digest: string): Promise<BundleInfo | undefined> {
  return repo.findBundle(db, digest);
}
