/**
 * Reading model bundles (`.tar.gz` or `.zip`) without trusting them: every entry's path, type
 * and size is checked while the archive streams, before anything is written anywhere.
 */
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import yauzl from 'yauzl';
import { AppError } from '../errors';

export type ArchiveFormat = 'tar.gz' | 'zip';

/** How big a bundle may be; every limit is configurable (see `bundleLimits`). */
export interface BundleLimits {
  /** The archive as uploaded (compressed). */
  maxBytes: number;
  /** All files unpacked, added up. */
  maxUnpackedBytes: number;
  /** One file unpacked. */
  maxFileBytes: number;
  /** Files, folders and links. */
  maxEntries: number;
}

const MB = 1024 * 1024;

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { maxBytes: 64 * MB, maxUnpackedBytes: 256 * MB, maxFileBytes: 128 * MB, maxEntries: 5000 };

/** The limits in force: `GATEWAY_BUNDLE_MAX_MB`, `_UNPACKED_MB`, `_FILE_MB`, `_ENTRIES` override the defaults. */
export function bundleLimits(env: Record<string, string | undefined> = process.env): BundleLimits {
  const num = (name: string, fallback: number, scale = 1) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? Math.floor(v * scale) : fallback;
  };
  return {
    maxBytes: num('GATEWAY_BUNDLE_MAX_MB', DEFAULT_BUNDLE_LIMITS.maxBytes, MB),
    maxUnpackedBytes: num('GATEWAY_BUNDLE_MAX_UNPACKED_MB', DEFAULT_BUNDLE_LIMITS.maxUnpackedBytes, MB),
    maxFileBytes: num('GATEWAY_BUNDLE_MAX_FILE_MB', DEFAULT_BUNDLE_LIMITS.maxFileBytes, MB),
    maxEntries: num('GATEWAY_BUNDLE_MAX_ENTRIES', DEFAULT_BUNDLE_LIMITS.maxEntries),
  };
}

export interface ArchiveEntry {
  /** Normalised, relative, never containing `..`. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /** Only whether it is executable survives: files unpack as 0644 or 0755. */
  executable: boolean;
  size: number;
  /** A symlink's target, relative and inside the bundle. */
  target?: string;
}

export interface ArchiveSummary {
  format: ArchiveFormat;
  entries: ArchiveEntry[];
  files: number;
  unpackedBytes: number;
}

/** Called for each regular file with its content, in archive order. */
export type OnFile = (entry: ArchiveEntry, content: Buffer) => Promise<void> | void;

export function detectFormat(bytes: Uint8Array): ArchiveFormat | null {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar.gz';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05)) return 'zip';
  return null;
}

const invalid = (message: string, entry?: string) => new AppError('INVALID_INPUT', message, entry ? { entry } : undefined);
const tooLarge = (message: string, details: Record<string, unknown>) => new AppError('PAYLOAD_TOO_LARGE', message, details);
const mb = (n: number) => (n >= MB ? `${Math.round((n / MB) * 10) / 10} MB` : `${n} bytes`);

/**
 * An entry's path made relative and normal, or a refusal naming it: absolute paths, `..`,
 * backslashes and NUL bytes are refused. `null` for the archive's root folder itself (`./`).
 */
export function normaliseEntryPath(raw: string): string | null {
  const shown = JSON.stringify(raw.slice(0, 200));
  if (raw.includes('\0')) throw invalid(`bundle entry ${shown} has a NUL byte in its name`, raw);
  if (raw.includes('\\')) throw invalid(`bundle entry ${shown} has a backslash in its name; use "/" between folders`, raw);
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw)) throw invalid(`bundle entry ${shown} is an absolute path; bundles hold relative paths only`, raw);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalid(`bundle entry ${shown} leaves the bundle through ".."; bundles hold paths inside their own folder only`, raw);
  if (parts.some((p) => Buffer.byteLength(p) > 255) || raw.length > 4096) throw invalid(`bundle entry ${shown} has a name that is too long`, raw);
  return parts.length ? parts.join('/') : null;
}

/** A symlink is kept only when its target is relative and stays inside the bundle. */
function checkLinkTarget(path: string, target: string): string {
  const shown = `bundle entry "${path}" is a symlink to "${target.slice(0, 200)}"`;
  if (!target || target.includes('\0')) throw invalid(`${shown}, which is empty or has a NUL byte`, path);
  if (target.startsWith('/')) throw invalid(`${shown}, an absolute path outside the bundle; links must be relative and stay inside the bundle`, path);
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) throw invalid(`${shown}, which leaves the bundle; links must stay inside the bundle`, path);
  return target;
}

class Checker {
  readonly entries: ArchiveEntry[] = [];
  private readonly seen = new Set<string>();
  unpackedBytes = 0;

  constructor(
    readonly format: ArchiveFormat,
    readonly limits: BundleLimits,
  ) {}

  add(entry: ArchiveEntry): void {
    if (this.entries.length + 1 > this.limits.maxEntries) {
      throw tooLarge(`the bundle has more than ${this.limits.maxEntries} entries (the limit); leave out what the model does not need`, {
        entry: entry.path,
        limit: this.limits.maxEntries,
      });
    }
    if (this.seen.has(entry.path)) throw invalid(`bundle entry "${entry.path}" appears twice`, entry.path);
    this.seen.add(entry.path);
    this.entries.push(entry);
  }

  /** Counts unpacked bytes as they arrive, whatever the headers claimed. */
  count(path: string, fileBytes: number, chunk: number): void {
    this.unpackedBytes += chunk;
    if (fileBytes > this.limits.maxFileBytes) {
      throw tooLarge(`bundle entry "${path}" is larger than ${mb(this.limits.maxFileBytes)}, the limit for one file`, { entry: path, limit: this.limits.maxFileBytes });
    }
    if (this.unpackedBytes > this.limits.maxUnpackedBytes) {
      throw tooLarge(`the bundle unpacks to more than ${mb(this.limits.maxUnpackedBytes)} (the limit), reached at entry "${path}"`, {
        entry: path,
        limit: this.limits.maxUnpackedBytes,
      });
    }
  }

  /** What only the whole list shows: nothing may sit below a symlink or below a file. */
  finish(): ArchiveSummary {
    const kinds = new Map(this.entries.map((e) => [e.path, e.type]));
    for (const e of this.entries) {
      const parts = e.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const ancestor = parts.slice(0, i).join('/');
        const kind = kinds.get(ancestor);
        if (kind === 'symlink') throw invalid(`bundle entry "${e.path}" lies below the symlink "${ancestor}"; nothing may be unpacked through a link`, e.path);
        if (kind === 'file') throw invalid(`bundle entry "${e.path}" lies below "${ancestor}", which is a file`, e.path);
      }
    }
    return { format: this.format, entries: this.entries, files: this.entries.filter((e) => e.type === 'file').length, unpackedBytes: this.unpackedBytes };
  }
}

function checkSize(bytes: Buffer, limits: BundleLimits): void {
  if (bytes.length > limits.maxBytes) {
    throw tooLarge(`the bundle is ${mb(bytes.length)}; the limit is ${mb(limits.maxBytes)} compressed`, { limit: limits.maxBytes });
  }
}

/**
 * Reads a whole archive, checking every entry, and hands each file's content to `onFile`.
 * Throws INVALID_INPUT (paths, links, devices, FIFOs, hard links, a damaged archive) or
 * PAYLOAD_TOO_LARGE (a limit), naming the entry and the limit.
 */
export async function readArchive(bytes: Buffer, limits: BundleLimits, onFile?: OnFile): Promise<ArchiveSummary> {
  checkSize(bytes, limits);
  const format = detectFormat(bytes);
  if (!format) throw invalid('the bundle is neither a .tar.gz nor a .zip archive (its first bytes say neither gzip nor zip)');
  const checker = new Checker(format, limits);
  if (format === 'tar.gz') await readTarGz(bytes, checker, onFile);
  else await readZip(bytes, checker, onFile);
  return checker.finish();
}

async function readTarGz(bytes: Buffer, checker: Checker, onFile?: OnFile): Promise<void> {
  const gunzip = createGunzip();
  const extract = tar.extract();
  let failure: unknown;
  // A gzip or tar stream that fails ends the loop below with the reason.
  const fail = (e: unknown) => {
    failure ??= e;
    extract.destroy(e instanceof Error ? e : new Error(String(e)));
  };
  gunzip.on('error', (e) => fail(invalid(`the bundle is not a valid gzip stream: ${e.message}`)));
  Readable.from([bytes]).pipe(gunzip).pipe(extract);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const path = normaliseEntryPath(h.name);
      if (path === null) {
        entry.resume();
        continue;
      }
      const executable = ((h.mode ?? 0) & 0o111) !== 0;
      switch (h.type) {
        case 'file':
        case 'contiguous-file': {
          const item: ArchiveEntry = { path, type: 'file', executable, size: 0 };
          checker.add(item);
          const chunks: Buffer[] = [];
          for await (const chunk of entry as AsyncIterable<Buffer>) {
            item.size += chunk.length;
            checker.count(path, item.size, chunk.length);
            chunks.push(chunk);
          }
          await onFile?.(item, Buffer.concat(chunks));
          break;
        }
        case 'directory':
          checker.add({ path, type: 'directory', executable: true, size: 0 });
          entry.resume();
          break;
        case 'symlink':
          checker.add({ path, type: 'symlink', executable: false, size: 0, target: checkLinkTarget(path, h.linkname ?? '') });
          entry.resume();
          break;
        case 'link':
          throw invalid(`bundle entry "${path}" is a hard link (to "${(h.linkname ?? '').slice(0, 200)}"); bundles may not hold hard links: store a copy, or a relative symlink`, path);
        case 'character-device':
        case 'block-device':
          throw invalid(`bundle entry "${path}" is a device file; bundles hold files, folders and relative symlinks only`, path);
        case 'fifo':
          throw invalid(`bundle entry "${path}" is a FIFO (named pipe); bundles hold files, folders and relative symlinks only`, path);
        default:
          throw invalid(`bundle entry "${path}" is of type "${h.type}"; bundles hold files, folders and relative symlinks only`, path);
      }
    }
  } catch (e) {
    fail(e);
  }
  if (failure) throw toArchiveError(failure);
}

function toArchiveError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  return invalid(`the bundle is not a valid archive: ${e instanceof Error ? e.message : String(e)}`);
}

const S_IFMT = 0o170000;
const FILE_KINDS: Record<number, string> = { 0o140000: 'a socket', 0o060000: 'a device file', 0o020000: 'a device file', 0o010000: 'a FIFO (named pipe)' };

async function readZip(bytes: Buffer, checker: Checker, onFile?: OnFile): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  } catch (e) {
    throw invalid(`the bundle is not a valid zip archive: ${(e as Error).message}`);
  }
  if (zip.entryCount > checker.limits.maxEntries) {
    throw tooLarge(`the bundle has ${zip.entryCount} entries; the limit is ${checker.limits.maxEntries}`, { limit: checker.limits.maxEntries });
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
      const path = normaliseEntryPath(raw);
      if (path === null) continue;
      const unix = entry.versionMadeBy >> 8 === 3;
      const mode = unix ? entry.externalFileAttributes >>> 16 : 0;
      const kind = mode & S_IFMT;
      if (FILE_KINDS[kind]) throw invalid(`bundle entry "${path}" is ${FILE_KINDS[kind]}; bundles hold files, folders and relative symlinks only`, path);
      if (raw.endsWith('/') || kind === 0o040000) {
        checker.add({ path, type: 'directory', executable: true, size: 0 });
        continue;
      }
      if (entry.uncompressedSize > checker.limits.maxFileBytes) checker.count(path, entry.uncompressedSize, 0);
      const content = await readZipEntry(zip, entry, path, checker);
      if (kind === 0o120000) {
        checker.add({ path, type: 'symlink', executable: false, size: 0, target: checkLinkTarget(path, content.toString('utf8')) });
        continue;
      }
      const item: ArchiveEntry = { path, type: 'file', executable: (mode & 0o111) !== 0, size: content.length };
      checker.add(item);
      await onFile?.(item, content);
    }
  } catch (e) {
    throw toArchiveError(e);
  } finally {
    zip.close();
  }
}

async function readZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string, checker: Checker): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      checker.count(path, size, chunk.length);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}
