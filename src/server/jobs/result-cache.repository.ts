import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from '../db/client';
import type { CachedFrom } from '../db/types';
import { canonicalJson } from '../../shared/canonical-json';

/** A cached output and where it was first computed. */
export interface CacheEntry {
  output: Record<string, unknown>;
  from: CachedFrom;
  /** The canonical input, kept by an entry keyed by a file's raw molecule (rawInputKey). */
  input?: Record<string, unknown>;
}

/**
 * An input's cache key: the sha256 of its canonical JSON (keys sorted), so the same molecule and
 * options give the same key whatever their order. Inputs are prepared (canonical SMILES) first.
 */
export function inputKey(input: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/**
 * What precedes an uploaded item's molecule, as the file had it, in its raw key: how the gateway
 * reads it (its kind and the canonicalisation's revision), the model's molecule field and the
 * item's other inputs. JSON, so no part can run into the next; the database computes the same key
 * for a file's rows (uploads.repository.ts) as sha256(prefix || molecule).
 */
export function rawKeyPrefix(kind: 'smiles' | 'molblock', field: string, input: Record<string, unknown>): string {
  const others = Object.fromEntries(Object.entries(input).filter(([k]) => k !== field));
  return `${canonicalJson(['raw/1', kind, field, others])}\n`;
}

/**
 * An uploaded item's key before RDKit has seen it: the same line of the same file gives the same
 * key, so a file screened again is answered from the cache without canonicalising anything.
 */
export function rawInputKey(kind: 'smiles' | 'molblock', field: string, input: Record<string, unknown>): string {
  return createHash('sha256').update(rawKeyPrefix(kind, field, input) + String(input[field] ?? '')).digest('hex');
}

/**
 * A pasted (or API-sent) item's key before RDKit has seen it: the whole input as sent, keys sorted.
 * Another shape than an upload's raw key, so the two never meet.
 */
export function pastedInputKey(submitted: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(['raw/1', 'pasted', submitted])).digest('hex');
}

const LOOKUP_CHUNK = 10_000;

/** The cached outputs of a version's content for the given keys, by key; one query per 10,000 keys. */
export async function findCached(db: DbOrTx, versionDigest: string, keys: string[]): Promise<Map<string, CacheEntry>> {
  const found = new Map<string, CacheEntry>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('result_cache')
      .select(['input_key', 'output', 'input', 'source_job_id', 'source_item_index'])
      .where('version_digest', '=', versionDigest)
      .where('input_key', '=', sql<string>`any(${unique.slice(i, i + LOOKUP_CHUNK)}::text[])`)
      .execute();
    for (const r of rows) found.set(r.input_key, { output: r.output, from: { jobId: r.source_job_id, index: r.source_item_index }, ...(r.input ? { input: r.input } : {}) });
  }
  return found;
}

