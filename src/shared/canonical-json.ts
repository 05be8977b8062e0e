/**
 * JSON with object keys sorted and `undefined` members dropped, so that equal values give equal
 * text whatever their key order (jsonb does not keep it). Used for digests and comparisons.
 * Iterative, so a value nested thousands of levels deep cannot overflow the stack; and no spread
 * of an array's items into one call, which overflows it too past about 100,000 (a full job).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Each frame is either a value to write or a literal piece of text (separators, brackets),
  // pushed last piece first so that they pop in order.
  const stack: ({ text: string } | { value: unknown; inArray: boolean })[] = [{ value, inArray: false }];
  while (stack.length) {
    const frame = stack.pop()!;
    if ('text' in frame) {
      out.push(frame.text);
      continue;
    }
    const v = toJsonValue(frame.value);
    if (v === undefined) {
      out.push(frame.inArray ? 'null' : '');
    } else if (Array.isArray(v)) {
      out.push('[');
      stack.push({ text: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], inArray: true });
        if (i) stack.push({ text: ',' });
      }
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => toJsonValue(x) !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      out.push('{');
      stack.push({ text: '}' });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        stack.push({ value: x, inArray: false }, { text: `${i ? ',' : ''}${JSON.stringify(k)}:` });
      }
    } else {
      out.push(JSON.stringify(v));
    }
  }
  return out.join('');
}

/** What JSON.stringify would make of a value before writing it: toJSON applied, functions dropped. */
function toJsonValue(v: unknown): unknown {
  if (v && typeof (v as { toJSON?: unknown }).toJSON === 'function') return (v as { toJSON: () => unknown }).toJSON();
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  return v;
}

/** Equal as JSON, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
