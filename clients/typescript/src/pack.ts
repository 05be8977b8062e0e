/**
 * Packing a folder into a bundle (`.tar.gz`), the same bytes for the same files: entries sorted,
 * times, owners and modes normalised, so a folder that did not change keeps its digest.
 * Used by the SDK and the CLI, and by the server (built-ins' seeding) through src/server/bundles/pack.ts (Node only).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface PackSource {
  /** A folder on disk. */
  dir: string;
  /** Where its content goes inside the bundle ('' for the root). */
  at?: string;
}

export interface PackOptions {
  /** Extra files by their path inside the bundle, e.g. a package.json. */
  extra?: Record<string, string | Buffer>;
  /** Leave out entries for which this is true (relative path inside the source folder). */
  skip?: (relative: string) => boolean;
}

/** What is never worth shipping: dependencies, VCS folders, caches. */
export const DEFAULT_SKIP = (relative: string) =>
  relative.split('/').some((part) => part === 'node_modules' || part === '.git' || part === '__pycache__' || part === '.DS_Store');

interface Item {
  name: string;
  type: 'file' | 'directory' | 'symlink';
  content?: Buffer;
  executable?: boolean;
  linkname?: string;
}

async function walk(source: PackSource, skip: (relative: string) => boolean, out: Item[]): Promise<void> {
  const base = path.resolve(source.dir);
  const prefix = (source.at ?? '').replace(/^\/+|\/+$/g, '');
  const join = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  const entries = await fs.readdir(base, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const full = path.join(e.parentPath, e.name);
    const rel = path.relative(base, full).split(path.sep).join('/');
    if (skip(rel)) continue;
    if (e.isDirectory()) out.push({ name: join(rel), type: 'directory' });
    else if (e.isSymbolicLink()) out.push({ name: join(rel), type: 'symlink', linkname: await fs.readlink(full) });
    else if (e.isFile()) {
      const stat = await fs.stat(full);
      out.push({ name: join(rel), type: 'file', content: await fs.readFile(full), executable: (stat.mode & 0o111) !== 0 });
    }
  }
  if (prefix) {
    const parts = prefix.split('/');
    for (let i = 1; i <= parts.length; i++) out.push({ name: parts.slice(0, i).join('/'), type: 'directory' });
  }
}

/** Packs folders (and extra files) into one deterministic `.tar.gz`. */
export async function packBundle(sources: PackSource[], o: PackOptions = {}): Promise<Buffer> {
  const skip = o.skip ?? DEFAULT_SKIP;
  const items: Item[] = [];
  for (const s of sources) await walk(s, skip, items);
  for (const [name, content] of Object.entries(o.extra ?? {})) items.push({ name, type: 'file', content: Buffer.from(content) });
  const unique = new Map<string, Item>();
  for (const item of items) unique.set(item.name, item);
  const sorted = [...unique.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const common = { mtime: new Date(0), uid: 0, gid: 0, uname: '', gname: '' };
  for (const item of sorted) {
    if (item.type === 'directory') pack.entry({ ...common, name: `${item.name}/`, type: 'directory', mode: 0o755 });
    else if (item.type === 'symlink') pack.entry({ ...common, name: item.name, type: 'symlink', linkname: item.linkname, mode: 0o777 });
    else pack.entry({ ...common, name: item.name, type: 'file', mode: item.executable ? 0o755 : 0o644 }, item.content!);
  }
  pack.finalize();
  await done;
  // gzip's header carries no time or name here, so the same tar gives the same bytes.
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
