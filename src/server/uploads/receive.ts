import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '../errors';

export interface UploadLimits {
  /** Most bytes received (compressed, for a .gz). */
  maxBytes: number;
  /** Most bytes after decompression: a small .gz cannot expand without end. */
  maxUnpackedBytes: number;
  /** Most molecule rows (lines or SDF records), good and bad. */
  maxRows: number;
}

export const UPLOAD_LIMIT_ENV = { maxBytes: 'GATEWAY_MAX_UPLOAD_BYTES', maxUnpackedBytes: 'GATEWAY_MAX_UPLOAD_UNPACKED_BYTES', maxRows: 'GATEWAY_MAX_UPLOAD_ROWS' } as const;
const GiB = 1024 ** 3;
export const UPLOAD_LIMIT_DEFAULTS: UploadLimits = { maxBytes: 2 * GiB, maxUnpackedBytes: 8 * GiB, maxRows: 10_000_000 };

/** The upload limits, read when used so an operator (or a test) can change one without a restart. */
export function uploadLimits(): UploadLimits {
  const out = { ...UPLOAD_LIMIT_DEFAULTS };
  for (const key of Object.keys(UPLOAD_LIMIT_ENV) as (keyof UploadLimits)[]) {
    const n = Number(process.env[UPLOAD_LIMIT_ENV[key]]);
    if (process.env[UPLOAD_LIMIT_ENV[key]]?.trim() && Number.isSafeInteger(n) && n > 0) out[key] = n;
  }
  return out;
}

const size = (n: number) => (n >= GiB ? `${+(n / GiB).toFixed(2)} GiB` : n >= 1024 ** 2 ? `${+(n / 1024 ** 2).toFixed(1)} MiB` : `${n} bytes`);

/** Counts bytes as they pass and refuses past `limit`, naming it. */
async function* capped(source: AsyncIterable<Uint8Array>, limit: number, what: string, env: string, count: (n: number) => void): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    count(total);
    if (total > limit) {
      throw new AppError('PAYLOAD_TOO_LARGE', `${what} is larger than ${size(limit)}, the limit for one upload (${env}); split it into several files`, { field: 'bytes', limit });
    }
    yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

/**
 * The file's bytes, decompressed when they start with gzip's magic bytes (1f 8b), whatever its
 * name says. Sizes are counted into `seen` as they stream.
 */
export async function* fileBytes(body: AsyncIterable<Uint8Array>, limits: UploadLimits, seen: { bytes: number; gzip: boolean }): AsyncGenerator<Buffer> {
  const raw = capped(body, limits.maxBytes, 'the file', UPLOAD_LIMIT_ENV.maxBytes, (n) => (seen.bytes = n));
  // Enough of the start to see the magic bytes.
  const head: Buffer[] = [];
  let headBytes = 0;
  let next = await raw.next();
  while (!next.done && headBytes < 2) {
    head.push(next.value);
    headBytes += next.value.length;
    if (headBytes < 2) next = await raw.next();
  }
  const first = Buffer.concat(head);
  async function* all(): AsyncGenerator<Buffer> {
    if (first.length) yield first;
    if (next.done) return;
    for (;;) {
      const n = await raw.next();
      if (n.done) return;
      yield n.value;
    }
  }
  seen.gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  if (!seen.gzip) {
    yield* all();
    return;
  }
  const gunzip = createGunzip();
  const feeding = pipeline(Readable.from(all()), gunzip);
  feeding.catch(() => {}); // its error reaches the loop below through the gunzip stream
  yield* capped(gunzip, limits.maxUnpackedBytes, 'the decompressed file', UPLOAD_LIMIT_ENV.maxUnpackedBytes, () => {});
  await feeding;
}
