/**
 * What text and JSON the gateway accepts at all, before any field's own rules: no NUL bytes or
 * other control characters (PostgreSQL refuses U+0000 in text and jsonb), no unpaired UTF-16
 * surrogates (jsonb refuses them too), and JSON values of bounded depth and size, checked
 * without recursion so that a 10,000-deep value cannot overflow the stack.
 */

const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a string cannot be stored, or null. `multiline` admits tab, line feed and carriage return. */
export function textProblem(s: string, o: { multiline?: boolean } = {}): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) {
      if (o.multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      if (c === 0) return 'contains a NUL byte (U+0000); remove it';
      return `contains the control character ${hex(c)} at position ${i}; remove it`;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `contains an unpaired UTF-16 surrogate (${hex(c)}) at position ${i}; send valid Unicode`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `contains an unpaired UTF-16 surrogate (${hex(c)}) at position ${i}; send valid Unicode`;
  }
  return null;
}

export interface JsonLimits {
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Largest size, as (about) the length of its JSON text. */
  maxBytes: number;
}

export interface JsonProblem {
  /** Where, as `a.b[3]` below the value checked ('' for the value itself). */
  path: string;
  message: string;
}

const pathOf = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (parent ? `${parent}.${key}` : key) : `${parent}[${JSON.stringify(key.slice(0, 40))}]`;

/**
 * The first thing about a JSON value that the gateway refuses: too deep, too large, a string or
 * key with control characters or unpaired surrogates, or something that is not JSON at all.
 * Strings may hold tabs and line breaks (MOL blocks do).
 */
export function jsonProblem(value: unknown, limits: JsonLimits): JsonProblem | null {
  // Paths are built only for the value at fault: each entry remembers its parent and key.
  interface Entry {
    v: unknown;
    depth: number;
    parent: Entry | null;
    key: string | number | null;
  }
  const pathTo = (e: Entry | null): string => {
    const keys: (string | number)[] = [];
    for (let at = e; at && at.key !== null; at = at.parent) keys.push(at.key);
    return keys.reverse().reduce<string>((p, k) => pathOf(p, k), '');
  };
  const stack: Entry[] = [{ v: value, depth: 0, parent: null, key: null }];
  let bytes = 0;
  while (stack.length) {
    const e = stack.pop()!;
    const { v, depth } = e;
    if (v === null || typeof v === 'boolean') bytes += 5;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path: pathTo(e), message: 'is not a finite number' };
      bytes += 8;
    } else if (typeof v === 'string') {
      bytes += v.length + 2;
      const problem = textProblem(v, { multiline: true });
      if (problem) return { path: pathTo(e), message: problem };
    } else if (typeof v === 'object') {
      if (depth >= limits.maxDepth) return { path: pathTo(e), message: `is nested deeper than ${limits.maxDepth} levels` };
      if (Array.isArray(v)) {
        bytes += 2 + v.length;
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, parent: e, key: i });
      } else {
        bytes += 2;
        for (const k in v as Record<string, unknown>) {
          if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
          bytes += k.length + 4;
          const problem = textProblem(k);
          if (problem) return { path: pathTo({ v: undefined, depth, parent: e, key: k }), message: `has a key that ${problem}` };
          const child = (v as Record<string, unknown>)[k];
          if (child !== undefined) stack.push({ v: child, depth: depth + 1, parent: e, key: k });
        }
      }
    } else if (v !== undefined) {
      return { path: pathTo(e), message: `is a ${typeof v}, which JSON cannot hold` };
    }
    if (bytes > limits.maxBytes) return { path: '', message: `is larger than ${limits.maxBytes} bytes as JSON` };
  }
  return null;
}

/** `field "a.b[3]"`, or the name given for the value itself, as refusals say it. */
export function jsonProblemText(name: string, p: JsonProblem): string {
  const field = !p.path ? name || '(root)' : !name ? p.path : p.path.startsWith('[') ? `${name}${p.path}` : `${name}.${p.path}`;
  return `field "${field}" ${p.message}`;
}
