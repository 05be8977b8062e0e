import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { secretKeys } from './secret-key';
import { isSealed, openSecret, sealSecret, sealedMac, secretMac } from './seal';

const keyA = secretKeys(randomBytes(32).toString('base64'));
const keyB = secretKeys(randomBytes(32).toString('base64'));

/** What `fn` threw (it must throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** The sealed string with one character of its ciphertext part changed. */
function flipLast(sealed: string): string {
  const last = sealed.at(-2) === 'A' ? 'B' : 'A';
  return `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`;
}

describe('sealing secrets (AES-256-GCM under GATEWAY_SECRET_KEY)', () => {
  it('round-trips any string, and no sealed form holds the plaintext', () => {
    for (const plain of ['Bearer sk-live-0123456789', '', 'ünïcødé ✓ 秘密', 'x'.repeat(10_000)]) {
      const sealed = sealSecret(plain, keyA);
      expect(isSealed(sealed)).toBe(true);
      if (plain) expect(sealed).not.toContain(plain);
      expect(openSecret(sealed, keyA)).toBe(plain);
    }
  });

  it('seals the same value differently each time, under the same mac', () => {
    const a = sealSecret('token', keyA);
    const b = sealSecret('token', keyA);
    expect(a).not.toBe(b);
    expect(sealedMac(a)).toBe(sealedMac(b));
    expect(sealedMac(a)).toBe(secretMac('token', keyA));
    // The mac depends on the key: without it, a digest says nothing about the value.
    expect(secretMac('token', keyB)).not.toBe(secretMac('token', keyA));
    expect(secretMac('token2', keyA)).not.toBe(secretMac('token', keyA));
  });

  it('refuses to open a value sealed under another key, naming both key ids and not the value', () => {
    const sealed = sealSecret('Bearer hunter2', keyA);
    const e = thrown(() => openSecret(sealed, keyB));
    expect(e).toBeInstanceOf(AppError);
    expect(e.message).toContain(keyA.id);
    expect(e.message).toContain(keyB.id);
    expect(e.message).not.toContain('hunter2');
  });

  it('refuses a tampered ciphertext, mac, key id or iv, and a truncated value', () => {
    const sealed = sealSecret('Bearer hunter2', keyA);
    const [prefix, version, keyId, mac, iv, ct] = sealed.split(':');
    const swap = (s: string) => (s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`);
    const variants = [
      flipLast(sealed),
      [prefix, version, keyId, swap(mac), iv, ct].join(':'),
      [prefix, version, keyId, mac, swap(iv), ct].join(':'),
      [prefix, version, keyId, mac, iv, ct.slice(0, 10)].join(':'),
      [prefix, version, keyId, mac, iv].join(':'),
    ];
    for (const bad of variants) {
      const e = thrown(() => openSecret(bad, keyA));
      expect(e).toBeInstanceOf(AppError);
      expect(e.message).not.toContain('hunter2');
    }
    // A forged key id is caught as another key.
    expect(thrown(() => openSecret([prefix, version, keyB.id, mac, iv, ct].join(':'), keyA)).message).toMatch(/another GATEWAY_SECRET_KEY/);
  });

  it('refuses a missing or malformed key with a message saying how to set one', () => {
    expect(thrown(() => secretKeys('')).message).toMatch(/GATEWAY_SECRET_KEY is not set.*openssl rand -base64 32/);
    expect(thrown(() => secretKeys(randomBytes(16).toString('base64'))).message).toMatch(/32 bytes in base64.*16 bytes/);
    expect(thrown(() => secretKeys('not base64 at all!')).message).toMatch(/decodes to 0 bytes/);
    // base64url works too, and the same key gives the same key id.
    const raw = randomBytes(32);
    expect(secretKeys(raw.toString('base64url')).id).toBe(secretKeys(raw.toString('base64')).id);
  });
});
