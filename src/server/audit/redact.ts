import { createHash } from 'node:crypto';
import { maskSecrets } from '../secrets/runtime-secrets';
import { canonicalJson } from '../../shared/canonical-json';

/** Keys whose values never reach the audit log (passwords, tokens, credentials). */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|credential|api[-_]?key|private[-_]?key/i;
/** Arrays and strings past these sizes are kept as a count or length and a sha256, not verbatim. */
const MAX_ARRAY = 20;
const MAX_STRING = 2000;
const MAX_DEPTH = 12;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A value as the audit log keeps it: secrets masked (runtime env and header values, sealed values,
 * keys that name a credential), long lists (a screen's molecules) and long texts (a CSV) replaced by
 * their size and sha256, so the log proves what was sent without holding a team's confidential
 * structures. Always plain JSON (what jsonb stores and gives back), so its hash can be recomputed.
 */
export function auditable(value: unknown): unknown {
  if (value === undefined) return null;
  // Bounded first: a hostile 10,000-deep input would overflow the stack of JSON.stringify and of
  // the masking walk; below MAX_DEPTH it is kept as a hash (canonicalJson does not recurse).
  const bounded = shrink(value, 0);
  return shrink(maskSecrets(JSON.parse(JSON.stringify(bounded) ?? 'null')), 0);
}

function shrink(v: unknown, depth: number): unknown {
  // jsonb stores neither NUL nor a lone surrogate: kept as U+FFFD, so a refused hostile input is still logged.
  if (typeof v === 'string') return v.length > MAX_STRING ? { $text: v.length, sha256: sha256(v) } : v.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  if (Array.isArray(v)) {
    if (v.length > MAX_ARRAY || depth >= MAX_DEPTH) return { $items: v.length, sha256: sha256(canonicalJson(v)) };
    return v.map((x) => shrink(x, depth + 1));
  }
  if (v && typeof v === 'object') {
    if (depth >= MAX_DEPTH) return { $object: true, sha256: sha256(canonicalJson(v)) };
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) && x !== null && x !== false ? '[redacted]' : shrink(x, depth + 1)]));
  }
  return v;
}
