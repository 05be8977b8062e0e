import { textProblem } from '../../shared/input-hygiene';
import { RateLimiter } from '../rate-limit';
import { AppError } from '../errors';
import { depictSettings } from '../limits';
import { LruCache } from '../lru-cache';
import { moleculeLimitProblem } from './molecule-size';
import { depictSmiles } from './rdkit';

/** The size of a drawing: 50–1000 px, defaults 250 × 200. */
export function drawingSize(w: string | null, h: string | null): { width: number; height: number } {
  const clamp = (v: string | null, d: number) => Math.round(Math.min(1000, Math.max(50, Number(v) || d)));
  return { width: clamp(w, 250), height: clamp(h, 200) };
}

type Drawn = { svg: string } | { error: AppError };

const g = globalThis as unknown as {
  __gatewayDepict?: { cache: LruCache<string, Drawn>; perClient: RateLimiter; overall: RateLimiter };
};

function state() {
  g.__gatewayDepict ??= {
    cache: new LruCache(depictSettings().cacheEntries),
    perClient: new RateLimiter(depictSettings),
    // All anonymous clients together, so many addresses cannot take the chemistry threads either.
    overall: new RateLimiter(() => {
      const s = depictSettings();
      return { ratePerSecond: s.ratePerSecond * 10, burst: s.burst * 10 };
    }),
  };
  return g.__gatewayDepict;
}

/**
 * An SVG drawing of a SMILES for a client (its address): rate-limited per client (RATE_LIMITED
 * with the seconds to wait), limits checked before RDKit, drawn by the chemistry pool, and kept
 * in an LRU cache by (SMILES, width, height), RDKit's refusals included.
 */
export async function depictForClient(client: string, q: { smiles: string; width: number; height: number }): Promise<string> {
  const s = state();
  for (const [bucket, key] of [[s.perClient, client], [s.overall, '*']] as const) {
    const taken = bucket.take(key);
    if (!taken.ok) {
      throw new AppError('RATE_LIMITED', `too many drawings requested; try again in ${taken.retryAfterSeconds} s (GATEWAY_DEPICT_RATE)`, {
        retryAfterSeconds: taken.retryAfterSeconds,
      });
    }
  }
  const smiles = q.smiles.trim();
  // Limits are checked on every request (they follow the environment); only RDKit's answers are cached.
  const problem = textProblem(smiles) ?? (smiles ? moleculeLimitProblem('smiles', smiles) : 'is empty');
  if (problem) throw new AppError('INVALID_INPUT', `the SMILES ${problem}`);
  const key = `${q.width}x${q.height}:${smiles}`;
  let drawn = s.cache.get(key);
  if (!drawn) {
    try {
      drawn = { svg: await depictSmiles(smiles, q.width, q.height, { requester: `ip:${client}` }) };
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'INVALID_INPUT') throw e;
      drawn = { error: e };
    }
    s.cache.set(key, drawn);
  }
  if ('error' in drawn) throw drawn.error;
  return drawn.svg;
}
