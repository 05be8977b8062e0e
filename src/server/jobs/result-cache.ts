import type { DbOrTx } from '../db/client';
import type { TaskItem } from '../db/types';
import type { ModelVersion } from '../models/models.types';
import type { ItemOutcome } from './jobs.types';
import { findCached, inputKey, pastedInputKey } from './result-cache.repository';

/**
 * Whether a version's outputs are kept and answered from the cache: its owner's setting; never
 * an aggregation (its members cache their own), nor a sandboxed program that asks for the
 * network (what it reads there is not part of its input).
 */
export function usesCache(version: Pick<ModelVersion, 'cacheEnabled' | 'runtime'>): boolean {
  const { runtime } = version;
  return version.cacheEnabled && runtime.kind !== 'consensus' && !(runtime.kind === 'process' && runtime.network === true);
}

/**
 * Splits prepared items into those the cache answers (as outcomes, with where each was first
 * computed) and those a model must run; one query for all of them.
 */
export async function splitByCache<T extends Pick<TaskItem, 'index' | 'input'>>(
  db: DbOrTx,
  version: Pick<ModelVersion, 'cacheEnabled' | 'runtime' | 'digest'>,
  items: T[],
): Promise<{ hits: ItemOutcome[]; misses: T[] }> {
  if (!usesCache(version) || items.length === 0) return { hits: [], misses: items };
  const keys = items.map((i) => inputKey(i.input));
  const found = await findCached(db, version.digest, keys);
  if (found.size === 0) return { hits: [], misses: items };
  const hits: ItemOutcome[] = [];
  const misses: T[] = [];
  items.forEach((item, k) => {
    const entry = found.get(keys[k]);
    if (entry) hits.push({ index: item.index, output: entry.output, cachedFrom: entry.from });
    else misses.push(item);
  });
  return { hits, misses };
}

/**
 * For `prepareInputs`: the canonical inputs the result cache holds for items sent exactly as
 * these were before (the worker keeps each computed output under the input as sent too), so a
 * list screened again skips RDKit for them; one query. Nothing for a version without the cache.
 */
export function knownInputs(db: DbOrTx, version: Pick<ModelVersion, 'cacheEnabled' | 'runtime' | 'digest'>) {
  if (!usesCache(version)) return undefined;
  return async (items: { index: number; submitted: Record<string, unknown> }[]): Promise<Map<number, Record<string, unknown>>> => {
    const keys = items.map((i) => pastedInputKey(i.submitted));
    const found = await findCached(db, version.digest, keys);
    const known = new Map<number, Record<string, unknown>>();
    items.forEach((item, k) => {
      const input = found.get(keys[k])?.input;
      if (input) known.set(item.index, input);
    });
    return known;
  };
}
