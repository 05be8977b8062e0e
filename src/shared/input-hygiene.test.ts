import { describe, expect, it } from 'vitest';
import { jsonProblem, jsonProblemText, textProblem } from './input-hygiene';

describe('text the database can store', () => {
  it('refuses NUL bytes, control characters and unpaired surrogates, saying where', () => {
    expect(textProblem('CC\u0000O')).toBe('contains a NUL byte (U+0000); remove it');
    expect(textProblem('a\u001bb')).toBe('contains the control character U+001B at position 1; remove it');
    expect(textProblem('a\nb')).toMatch(/U\+000A/);
    expect(textProblem('a\nb\tc\r', { multiline: true })).toBeNull();
    expect(textProblem('x\ud800')).toMatch(/unpaired UTF-16 surrogate \(U\+D800\)/);
    expect(textProblem('\udc00')).toMatch(/unpaired/);
    expect(textProblem('Å² 🧪 logS')).toBeNull();
  });
});

describe('JSON of bounded depth and size', () => {
  const limits = { maxDepth: 32, maxBytes: 1000 };

  it('finds a 10,000-deep value without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const p = jsonProblem(deep, limits);
    expect(p?.message).toBe('is nested deeper than 32 levels');
    expect(p?.path.split('.').length).toBe(32);
  });

  it('names the field of a bad string or key', () => {
    expect(jsonProblemText('', jsonProblem({ smiles: 'C\u0000', ok: 1 }, limits)!)).toBe('field "smiles" contains a NUL byte (U+0000); remove it');
    expect(jsonProblemText('input', jsonProblem({ list: ['a', 'b\u0007'] }, limits)!)).toMatch(/^field "input.list\[1\]" contains the control character U\+0007/);
    expect(jsonProblem({ 'k\u0000': 1 }, limits)?.message).toMatch(/^has a key that contains a NUL byte/);
  });

  it('refuses values larger than the limit, and admits MOL blocks with line breaks', () => {
    expect(jsonProblem({ s: 'x'.repeat(2000) }, limits)?.message).toBe('is larger than 1000 bytes as JSON');
    expect(jsonProblem({ molblock: '\n  RDKit\n\n  1  0  0\nM  END\n' }, limits)).toBeNull();
  });
});
