import { AppError } from '../errors';
import type { TRuntimeSpec } from '../models/models.schema';
import { SECRET_MASK } from '../../shared/secrets';
import { isSealed, openSecret, sealSecret, sealedMac } from './seal';

/**
 * Which values of a runtime are secrets: every value of an HTTP model's `headers` and of a
 * program's or an image's `env`. All of them, not a guess by name: a token can hide under any key.
 */
type SecretMapKey = 'headers' | 'env';

function secretMapKey(runtime: { kind?: unknown }): SecretMapKey | null {
  if (runtime.kind === 'http') return 'headers';
  if (runtime.kind === 'process' || runtime.kind === 'kubernetes') return 'env';
  return null;
}

function secretMapOf(runtime: TRuntimeSpec): { key: SecretMapKey; map: Record<string, string> } | null {
  const key = secretMapKey(runtime);
  const map = key ? (runtime as Partial<Record<SecretMapKey, Record<string, string>>>)[key] : undefined;
  return key && map ? { key, map } : null;
}

function withSecretMap<R extends TRuntimeSpec>(runtime: R, fn: (map: Record<string, string>, key: SecretMapKey) => Record<string, string>): R {
  const found = secretMapOf(runtime);
  return found ? { ...runtime, [found.key]: fn(found.map, found.key) } : runtime;
}

// Headers that would change where or how the request goes, rather than carry a credential.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** Refuses what a request or a child process could not carry; the message never holds the value. */
function checkValue(key: SecretMapKey, name: string, value: string): void {
  const where = `runtime.${key}["${name}"]`;
  if (isSealed(value)) throw new AppError('INVALID_INPUT', `${where}: a value cannot start with "mgw-secret:"; that prefix marks the gateway's encrypted values`);
  if (key === 'headers') {
    if (!HEADER_NAME.test(name)) throw new AppError('INVALID_INPUT', `${where}: not a valid header name (letters, digits and !#$%&'*+.^_\`|~-)`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new AppError('INVALID_INPUT', `${where}: the gateway sets this header itself; remove it`);
    if (!HEADER_VALUE.test(value)) {
      throw new AppError('INVALID_INPUT', `${where}: a header value may hold only printable ASCII characters, spaces and tabs (no line breaks or other control characters)`);
    }
  } else if (value.includes('\0')) {
    throw new AppError('INVALID_INPUT', `${where}: an environment value cannot contain a NUL character`);
  }
}

/**
 * The runtime as it is stored: every secret value sealed. A value equal to the mask keeps the
 * value `previous` holds under the same name (the draft being edited, or the version a new one is
 * copied from); a missing name is a removed secret. Everything else is a new plaintext value.
 */
export function sealRuntimeSecrets<R extends TRuntimeSpec>(given: R, previous?: TRuntimeSpec | null): R {
  const before = previous && secretMapKey(previous) === secretMapKey(given) ? secretMapOf(previous)?.map : undefined;
  return withSecretMap(given, (map, key) =>
    Object.fromEntries(
      Object.entries(map).map(([name, value]) => {
        if (value !== SECRET_MASK) {
          checkValue(key, name, value);
          return [name, sealSecret(value)];
        }
        const kept = before?.[name];
        if (kept === undefined) {
          throw new AppError(
            'INVALID_INPUT',
            `runtime.${key}["${name}"] is "${SECRET_MASK}", which keeps a stored value, but there is none under that name to keep; type the value`,
          );
        }
        if (isSealed(kept)) return [name, kept];
        checkValue(key, name, kept); // stored before values were sealed
        return [name, sealSecret(kept)];
      }),
    ),
  );
}

/** Whether a stored runtime still holds plaintext secret values (stored before they were sealed). */
export function hasPlaintextSecrets(runtime: TRuntimeSpec): boolean {
  return Object.values(secretMapOf(runtime)?.map ?? {}).some((v) => !isSealed(v));
}

/** A stored runtime with its plaintext secret values sealed as they are (they were accepted when stored). */
export function sealPlaintextSecrets<R extends TRuntimeSpec>(runtime: R): R {
  return withSecretMap(runtime, (map) => Object.fromEntries(Object.entries(map).map(([name, v]) => [name, isSealed(v) ? v : sealSecret(v)])));
}

/**
 * The runtime as its digest sees it: a sealed value counts by its mac, so the same value gives the
 * same digest although each sealing differs, and the digest (shown to everyone) reveals nothing.
 */
export function runtimeForDigest<R extends TRuntimeSpec>(runtime: R): R {
  return withSecretMap(runtime, (map) =>
    Object.fromEntries(Object.entries(map).map(([name, v]) => [name, isSealed(v) ? `hmac-sha256:${sealedMac(v)}` : v])),
  );
}

/**
 * Plaintext of a secret map, to use at once: in the request's headers or the child's environment.
 * Never store, log or return the result. Values stored before sealing pass through as they are.
 */
export function openSecrets(map: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).map(([name, v]) => [name, isSealed(v) ? openSecret(v) : v]));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

// Runtimes sit near the top of any answer (a version, a model's versions, a registration).
const MAX_DEPTH = 32;

function mask(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return isSealed(value) ? SECRET_MASK : value;
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const out = value.map((v) => mask(v, depth + 1));
    return out.some((v, i) => v !== value[i]) ? out : value;
  }
  if (!isPlainObject(value)) return value;
  const secretKey = secretMapKey(value);
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const masked = k === secretKey && isPlainObject(v) ? Object.fromEntries(Object.keys(v).map((name) => [name, SECRET_MASK])) : mask(v, depth + 1);
    if (masked !== v) (out ??= { ...value })[k] = masked;
  }
  return out ?? value;
}

/**
 * An answer with no secret left in it: the values of every runtime's headers or env, and any
 * sealed value wherever it is, become the mask. Every tRPC answer passes through here.
 */
export function maskSecrets<T>(value: T): T {
  return mask(value, 0) as T;
}
