import { describe, expect, it } from 'vitest';
import { canonicalJson, sameJson } from './canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and matches JSON.stringify otherwise', () => {
    const v = { b: [3, { z: 1, a: undefined, m: [null, 'x'] }], a: 'é"\n', c: undefined, d: new Date(0), n: -0.5 };
    expect(canonicalJson(v)).toBe('{"a":"é\\"\\n","b":[3,{"m":[null,"x"],"z":1}],"d":"1970-01-01T00:00:00.000Z","n":-0.5}');
    expect(canonicalJson([undefined, () => 1])).toBe(JSON.stringify([undefined, () => 1]));
    expect(sameJson({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false);
  });

  it('handles a value nested far deeper than the call stack allows', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 50_000; i++) at = (at.a = {}) as Record<string, unknown>;
    const text = canonicalJson(deep);
    expect(text.length).toBe(50_000 * 6 + 2);
    expect(text.startsWith('{"a":{"a":')).toBe(true);
  });

  it('handles an array or an object wider than a call can take arguments (a 100,000-item job)', () => {
    const items = Array.from({ length: 200_000 }, () => ({ smiles: 'C' }));
    expect(canonicalJson(items)).toBe(JSON.stringify(items));
    const wide = Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${String(i).padStart(6, '0')}`, i]));
    expect(canonicalJson(wide)).toBe(JSON.stringify(wide));
  });
});
