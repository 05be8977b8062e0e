import { describe, expect, it } from 'vitest';
import { fieldKind } from './consensus';

describe('fieldKind', () => {
  it('tells numbers from labels like the server does', () => {
    expect(fieldKind({ type: 'integer' })).toBe('number');
    expect(fieldKind({ type: ['number', 'null'] })).toBe('number');
    expect(fieldKind({ type: 'boolean' })).toBe('label');
    expect(fieldKind({ type: 'object' })).toBeNull();
    expect(fieldKind(undefined)).toBeNull();
  });
});
