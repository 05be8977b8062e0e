import { hkdfSync } from 'node:crypto';

/** The keys derived from GATEWAY_SECRET_KEY: one encrypts, one authenticates digests; `id` names them. */
export interface SecretKeys {
  enc: Buffer;
  mac: Buffer;
  /** Short public fingerprint, stored with every sealed value so a key mix-up is reported as such. */
  id: string;
}

const HOW_TO_SET =
  '`npm start` generates one into $DATA_DIR/secret-key; anywhere else set GATEWAY_SECRET_KEY to 32 random bytes in base64 (e.g. `openssl rand -base64 32`), the same for the web and the workers, and keep it with the database backups';

const derived = new Map<string, SecretKeys>();

const derive = (raw: Buffer, info: string) => Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), `model-gateway ${info}`, 32));

/**
 * The gateway's secret keys, from GATEWAY_SECRET_KEY. Throws a message saying how to set it when it
 * is missing or malformed: there is no plaintext fallback.
 */
export function secretKeys(value: string | undefined = process.env.GATEWAY_SECRET_KEY): SecretKeys {
  const text = value?.trim();
  if (!text) throw new Error(`GATEWAY_SECRET_KEY is not set: the gateway encrypts model credentials with it. ${HOW_TO_SET}`);
  const known = derived.get(text);
  if (known) return known;
  const raw = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (raw.length !== 32) {
    throw new Error(`GATEWAY_SECRET_KEY must be 32 bytes in base64 (44 characters); the value set decodes to ${raw.length} bytes. ${HOW_TO_SET}`);
  }
  const keys = { enc: derive(raw, 'secrets aes-256-gcm v1'), mac: derive(raw, 'secrets hmac-sha256 v1'), id: derive(raw, 'secrets key id v1').subarray(0, 6).toString('hex') };
  derived.set(text, keys);
  return keys;
}
