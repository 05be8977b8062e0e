import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import type { TRuntimeSpec } from '../models/models.schema';
import { SECRET_MASK } from '../../shared/secrets';
import { isSealed, openSecret, sealSecret } from './seal';
import { maskSecrets, openSecrets, runtimeForDigest, sealPlaintextSecrets, sealRuntimeSecrets } from './runtime-secrets';

const http = (headers: Record<string, string>): TRuntimeSpec => ({ kind: 'http', url: 'http://127.0.0.1:9', protocol: 'json', headers });
const proc = (env: Record<string, string>): TRuntimeSpec => ({ kind: 'process', command: ['model'], env });
const headersOf = (r: TRuntimeSpec) => (r.kind === 'http' ? (r.headers ?? {}) : {});
const envOf = (r: TRuntimeSpec) => (r.kind === 'process' ? (r.env ?? {}) : {});

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

describe('secrets of a runtime', () => {
  it('seals every header and env value, and leaves the rest of the runtime as it is', () => {
    const h = sealRuntimeSecrets(http({ authorization: 'Bearer abc', 'x-team': 'chem' }));
    expect(h).toMatchObject({ kind: 'http', url: 'http://127.0.0.1:9', protocol: 'json' });
    expect(Object.values(headersOf(h)).every(isSealed)).toBe(true);
    expect(openSecrets(headersOf(h))).toEqual({ authorization: 'Bearer abc', 'x-team': 'chem' });
    const p = sealRuntimeSecrets(proc({ API_KEY: 'k-123' }));
    expect(p).toMatchObject({ kind: 'process', command: ['model'] });
    expect(openSecret(envOf(p).API_KEY)).toBe('k-123');
    expect(JSON.stringify([h, p])).not.toMatch(/Bearer abc|k-123|chem/);
  });

  it('keeps a stored value for the mask, replaces it for a new value, and drops a removed name', () => {
    const stored = sealRuntimeSecrets(proc({ KEEP: 'one', CHANGE: 'two', DROP: 'three' }));
    const edited = sealRuntimeSecrets(proc({ KEEP: SECRET_MASK, CHANGE: 'zwei' }), stored);
    expect(envOf(edited).KEEP).toBe(envOf(stored).KEEP); // the very same sealed value
    expect(openSecrets(envOf(edited))).toEqual({ KEEP: 'one', CHANGE: 'zwei' });
  });

  it('refuses a mask with nothing stored under its name, and sealed-looking input', () => {
    expect(refusal(() => sealRuntimeSecrets(proc({ NEW: SECRET_MASK }))).message).toMatch(/runtime\.env\["NEW"\].*type the value/);
    const stored = sealRuntimeSecrets(proc({ A: 'a' }));
    expect(refusal(() => sealRuntimeSecrets(proc({ B: SECRET_MASK }), stored)).code).toBe('INVALID_INPUT');
    // Headers are not env: a masked header cannot keep an env value.
    expect(refusal(() => sealRuntimeSecrets(http({ A: SECRET_MASK }), stored)).code).toBe('INVALID_INPUT');
    expect(refusal(() => sealRuntimeSecrets(proc({ A: sealSecret('x') }))).message).toMatch(/cannot start with "mgw-secret:"/);
  });

  it('refuses header names and values a request cannot carry, without quoting the value', () => {
    for (const [name, value] of [
      ['authorization', 'Bearer s3cr3t\r\nx-evil: 1'],
      ['authorization', 'Bearer s3cr3t•'],
      ['bad name', 's3cr3t'],
      ['Host', 's3cr3t.internal'],
    ]) {
      const e = refusal(() => sealRuntimeSecrets(http({ [name]: value })));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).not.toContain('s3cr3t');
    }
    expect(refusal(() => sealRuntimeSecrets(proc({ K: 's3cr3t\0' }))).message).not.toContain('s3cr3t');
  });

  it('digests a secret by its mac: two sealings of the same value digest alike, another value does not', () => {
    const a = runtimeForDigest(sealRuntimeSecrets(http({ authorization: 'Bearer abc' })));
    const b = runtimeForDigest(sealRuntimeSecrets(http({ authorization: 'Bearer abc' })));
    const c = runtimeForDigest(sealRuntimeSecrets(http({ authorization: 'Bearer abd' })));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(JSON.stringify(a)).not.toContain('abc');
  });

  it('seals values stored in plaintext before secrets were sealed, keeping sealed ones', () => {
    const already = sealSecret('b');
    const sealed = sealPlaintextSecrets(proc({ A: 'a', B: already }));
    expect(envOf(sealed).B).toBe(already);
    expect(openSecrets(envOf(sealed))).toEqual({ A: 'a', B: 'b' });
    // A plaintext value (stored before sealing) still opens as itself.
    expect(openSecrets({ OLD: 'plain' })).toEqual({ OLD: 'plain' });
  });

  it('masks every runtime secret and any sealed value anywhere in an answer, and nothing else', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const answer = {
      version: { runtime: sealRuntimeSecrets(http({ authorization: 'Bearer abc' })), createdAt: at, example: { smiles: 'CCO' } },
      versions: [{ runtime: proc({ LEGACY: 'plaintext' }) }, { runtime: { kind: 'consensus', members: [] } }],
      stray: sealSecret('elsewhere'),
      output: { headers: { a: 'not a runtime' } },
    };
    const masked = maskSecrets(answer);
    expect(masked.version.runtime).toEqual({ kind: 'http', url: 'http://127.0.0.1:9', protocol: 'json', headers: { authorization: SECRET_MASK } });
    expect(masked.versions[0].runtime).toEqual({ kind: 'process', command: ['model'], env: { LEGACY: SECRET_MASK } });
    expect(masked.versions[1]).toBe(answer.versions[1]); // untouched parts are not copied
    expect(masked.stray).toBe(SECRET_MASK);
    expect(masked.output).toBe(answer.output);
    expect(masked.version.createdAt).toBe(at);
    expect(JSON.stringify(masked)).not.toMatch(/mgw-secret|abc|plaintext|elsewhere/);
    // The answer itself is left as it was.
    expect(isSealed(answer.stray)).toBe(true);
  });
});
