import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../errors';
import { secretKeys, type SecretKeys } from './secret-key';

/**
 * A sealed secret is one string: `mgw-secret:v1:<key id>:<mac>:<iv>:<ciphertext+tag>` (base64url
 * parts). The ciphertext is AES-256-GCM under a key derived from GATEWAY_SECRET_KEY; `mac` is an
 * HMAC-SHA256 of the plaintext under another derived key, so a version's digest stays the same for
 * the same value without decrypting it, and cannot be used to guess the value without the key. The
 * key id and the mac are authenticated as associated data.
 */
const PREFIX = 'mgw-secret:v1:';

export function isSealed(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

const b64 = (b: Buffer) => b.toString('base64url');

/** The HMAC a digest uses in place of a secret value: the same value always gives the same mac. */
export function secretMac(plain: string, keys: SecretKeys = secretKeys()): string {
  return b64(createHmac('sha256', keys.mac).update(plain, 'utf8').digest());
}

export function sealSecret(plain: string, keys: SecretKeys = secretKeys()): string {
  const mac = secretMac(plain, keys);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.enc, iv);
  cipher.setAAD(Buffer.from(`${PREFIX}${keys.id}:${mac}`));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${keys.id}:${mac}:${b64(iv)}:${b64(ct)}`;
}

function parts(sealed: string): { keyId: string; mac: string; iv: Buffer; ct: Buffer } {
  const [keyId, mac, iv, ct] = sealed.slice(PREFIX.length).split(':');
  if (!keyId || !mac || !iv || !ct) throw new AppError('INTERNAL', 'a stored secret is malformed; register the version again with its value');
  return { keyId, mac, iv: Buffer.from(iv, 'base64url'), ct: Buffer.from(ct, 'base64url') };
}

/** The mac of a sealed value, read without decrypting it. */
export function sealedMac(sealed: string): string {
  return parts(sealed).mac;
}

/**
 * The plaintext of a sealed value, for the moment a request or a child process needs it. A value
 * sealed under another key, or altered, is refused with a message that never holds the value.
 */
export function openSecret(sealed: string, keys: SecretKeys = secretKeys()): string {
  const p = parts(sealed);
  if (p.keyId !== keys.id) {
    throw new AppError(
      'INTERNAL',
      `a stored secret was encrypted under another GATEWAY_SECRET_KEY (key id ${p.keyId}; this gateway's is ${keys.id}); start the gateway with the key it was stored under, or register the version again with its values`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keys.enc, p.iv);
    decipher.setAAD(Buffer.from(`${PREFIX}${p.keyId}:${p.mac}`));
    decipher.setAuthTag(p.ct.subarray(p.ct.length - 16));
    return Buffer.concat([decipher.update(p.ct.subarray(0, p.ct.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new AppError('INTERNAL', 'a stored secret failed its integrity check (it was altered in the database); register the version again with its values');
  }
}
