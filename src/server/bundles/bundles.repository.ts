import type { DbOrTx } from '../db/client';
import type { BundlesTable } from '../db/types';
import type { Selectable } from 'kysely';

export interface BundleInfo {
  digest: string;
  store: 'db' | 's3';
  format: 'tar.gz' | 'zip';
  sizeBytes: number;
  unpackedBytes: number;
  files: number;
  manifest: Record<string, unknown> | null;
  uploadedBy: string | null;
  createdAt: string;
}

function toBundle(r: Selectable<BundlesTable>): BundleInfo {
  return {
    digest: r.digest,
    store: r.store,
    format: r.format,
    sizeBytes: Number(r.size_bytes),
    unpackedBytes: Number(r.unpacked_bytes),
    files: r.files,
    manifest: r.manifest,
    uploadedBy: r.uploaded_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Records a bundle; the first upload of a digest is kept (who and when), later ones change nothing. */
export async function insertBundle(db: DbOrTx, b: Omit<BundleInfo, 'createdAt'>): Promise<BundleInfo> {
  const row = await db
    .insertInto('bundles')
    .values({
      digest: b.digest,
      store: b.store,
      format: b.format,
      size_bytes: b.sizeBytes,
      unpacked_bytes: b.unpackedBytes,
      files: b.files,
      manifest: b.manifest ? JSON.stringify(b.manifest) : null,
      uploaded_by: b.uploadedBy,
    })
    .onConflict((oc) => oc.column('digest').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toBundle(row) : (await findBundle(db, b.digest))!;
}

export async function findBundle(db: DbOrTx, digest: string): Promise<BundleInfo | undefined> {
  const row = await db.selectFrom('bundles').selectAll().where('digest', '=', digest).executeTakeFirst();
  return row && toBundle(row);
}

export async function putBlob(db: DbOrTx, digest: string, content: Buffer): Promise<void> {
  await db.insertInto('bundle_blobs').values({ digest, content }).onConflict((oc) => oc.column('digest').doNothing()).execute();
}

export async function getBlob(db: DbOrTx, digest: string): Promise<Buffer | null> {
  const row = await db.selectFrom('bundle_blobs').select('content').where('digest', '=', digest).executeTakeFirst();
  return row?.content ?? null;
}

export async function hasBlob(db: DbOrTx, digest: string): Promise<boolean> {
  const row = await db.selectFrom('bundle_blobs').select('digest').where('digest', '=', digest).executeTakeFirst();
  return !!row;
}
