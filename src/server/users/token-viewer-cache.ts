import { LruCache } from '../lru-cache';
import type { Viewer } from './viewer';

/**
 * Token → viewer, remembered for a few seconds so a script's stream of calls costs one lookup per
 * token per TTL instead of one per request. A revoked or expired token, a disabled account, a
 * changed role or team stops (or changes) within the TTL at the latest: at once in the process
 * that made the change (every such change clears this cache), within GATEWAY_TOKEN_CACHE_SECONDS
 * (default 5; 0 turns the cache off) in other web processes. Keys are the tokens' hashes.
 */
const entries = new LruCache<string, { viewer: Viewer; until: number }>(10_000);

function ttlMs(): number {
  const s = Number(process.env.GATEWAY_TOKEN_CACHE_SECONDS ?? 5);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

/** The viewer a token's hash named a moment ago, or undefined. A copy: callers may not share one object. */
export function cachedTokenViewer(hash: string, now = Date.now()): Viewer | undefined {
  const e = entries.get(hash);
  if (!e) return undefined;
  if (e.until <= now) {
    entries.delete(hash);
    return undefined;
  }
  return { ...e.viewer, teamIds: [...e.viewer.teamIds], scopes: [...e.viewer.scopes] };
}

/** Remembers a resolved token, never past the token's own expiry. */
export function rememberTokenViewer(hash: string, viewer: Viewer, tokenExpiresAt: Date | null, now = Date.now()): void {
  const ttl = ttlMs();
  if (!ttl) return;
  const until = Math.min(now + ttl, tokenExpiresAt ? new Date(tokenExpiresAt).getTime() : Infinity);
  entries.set(hash, { viewer, until });
}

/** After a token is revoked or an account's role, teams or standing change: every token is looked up afresh. */
export function forgetTokenViewers(): void {
  entries.clear();
}
