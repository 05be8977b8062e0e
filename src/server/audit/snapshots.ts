import { SYSTEM_VIEWER } from '../users/viewer';
import type { DbOrTx } from '../db/client';
import { listAliases } from '../models/aliases.repository';
import { findModelBySlug, findVersion } from '../models/models.repository';
import { tokenSnapshot } from './audit.repository';

/** What the audit log keeps of a version before a change: its state and content, secrets masked later. */
export async function versionBefore(db: DbOrTx, versionId: string): Promise<unknown> {
  const v = await findVersion(db, { id: versionId });
  if (!v) return null;
  return {
    slug: v.slug,
    version: v.version,
    status: v.status,
    digest: v.digest,
    runtime: v.runtime,
    resources: v.resources,
    batchSize: v.batchSize,
    timeoutMs: v.timeoutMs,
    networkAllowed: v.networkAllowed,
    cacheEnabled: v.cacheEnabled,
  };
}

/** A model's catalog entry and aliases before a change. */
export async function modelBefore(db: DbOrTx, slug: string): Promise<unknown> {
  // The log records what was there, whoever may see it: read as the gateway itself.
  const m = await findModelBySlug(db, slug, SYSTEM_VIEWER);
  if (!m) return null;
  return { slug: m.slug, name: m.name, task: m.task, description: m.description, tags: m.tags, ownerId: m.ownerId, aliases: await listAliases(db, m.id) };
}

export async function tokenBefore(db: DbOrTx, tokenId: string): Promise<unknown> {
  return (await tokenSnapshot(db, tokenId)) ?? null;
}
