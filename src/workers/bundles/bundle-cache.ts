import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bundleLimits, readArchive, type BundleLimits } from '../../server/bundles/archive';
import { AppError } from '../../server/errors';

export interface BundleCacheOptions {
  /** Folder of unpacked bundles, one sub-folder per digest. Every folder above it must be enterable by the sandbox's uids. */
  dir: string;
  /** The bundle's bytes from the store, or null when it has none. */
  fetch: (digest: string) => Promise<Buffer | null>;
  limits?: BundleLimits;
}

/**
 * Bundles unpacked on this worker, by digest: fetched once, verified against their sha256,
 * checked again entry by entry, unpacked into a temporary folder and renamed into place, so a
 * folder under its digest is always complete. Concurrent first uses share one unpack; another
 * worker process unpacking the same digest at once loses the rename and uses the winner's.
 * Files are world-readable (0644/0755, folders 0755) and never written again.
 */
export class BundleCache {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly o: BundleCacheOptions) {}

  get dir(): string {
    return this.o.dir;
  }

  /** The unpacked bundle's folder on this worker. */
  async path(digest: string): Promise<string> {
    const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
    if (!hex) throw new AppError('INVALID_INPUT', `"${digest.slice(0, 100)}" is not a bundle digest`);
    const final = path.join(this.o.dir, hex);
    let pending = this.inflight.get(hex);
    if (!pending) {
      pending = this.unpackOnce(digest, hex, final).finally(() => this.inflight.delete(hex));
      this.inflight.set(hex, pending);
    }
    return pending;
  }

  private async unpackOnce(digest: string, hex: string, final: string): Promise<string> {
    if (await isDir(final)) return final;
    const bytes = await this.o.fetch(digest);
    if (!bytes) throw new AppError('UNAVAILABLE', `bundle ${digest} is missing from the bundle store`);
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== hex) throw new AppError('INTERNAL', `bundle ${digest} from the store does not match its digest (its bytes hash to sha256:${got}); the stored copy is damaged`);
    await fs.mkdir(this.o.dir, { recursive: true, mode: 0o755 });
    const tmp = path.join(this.o.dir, `.tmp-${hex.slice(0, 16)}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(tmp, { mode: 0o755 });
    try {
      await extractInto(tmp, bytes, this.o.limits ?? bundleLimits());
      await fs.chmod(tmp, 0o755);
      try {
        await fs.rename(tmp, final);
      } catch (e) {
        // Another worker process got there first: its folder is as good as ours.
        if (!['EEXIST', 'ENOTEMPTY', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
        await fs.rm(tmp, { recursive: true, force: true });
      }
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true }).catch(() => {});
      throw e;
    }
    return final;
  }
}

async function isDir(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Writes a checked archive's files under `root`. Nothing is written through a link: symlinks are
 * created last, and the archive check refuses any entry below one.
 */
async function extractInto(root: string, bytes: Buffer, limits: BundleLimits): Promise<void> {
  const made = new Set<string>();
  const mkdirs = async (dir: string) => {
    if (!dir || made.has(dir)) return;
    await fs.mkdir(path.join(root, dir), { recursive: true, mode: 0o755 });
    let d = dir;
    while (d && d !== '.' && !made.has(d)) {
      await fs.chmod(path.join(root, d), 0o755);
      made.add(d);
      d = path.posix.dirname(d);
    }
  };
  const summary = await readArchive(bytes, limits, async (entry, content) => {
    await mkdirs(path.posix.dirname(entry.path) === '.' ? '' : path.posix.dirname(entry.path));
    const file = path.join(root, entry.path);
    await fs.writeFile(file, content, { flag: 'wx' });
    await fs.chmod(file, entry.executable ? 0o755 : 0o644);
  });
  for (const e of summary.entries) if (e.type === 'directory') await mkdirs(e.path);
  for (const e of summary.entries) {
    if (e.type !== 'symlink') continue;
    await mkdirs(path.posix.dirname(e.path) === '.' ? '' : path.posix.dirname(e.path));
    await fs.symlink(e.target!, path.join(root, e.path));
  }
}
