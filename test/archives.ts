/**
 * Hand-made archives for tests, hostile ones included: entries are written exactly as given
 * (names with "..", absolute paths, links, devices), which ordinary packers refuse to do.
 */
import { crc32, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export type TestEntry =
  | { name: string; type?: 'file'; content?: string | Buffer; mode?: number }
  | { name: string; type: 'directory' }
  | { name: string; type: 'symlink' | 'link'; target: string }
  | { name: string; type: 'character-device' | 'block-device' | 'fifo' };

/** A .tar.gz holding exactly these entries. */
export async function tarGz(entries: TestEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    if (!e.type || e.type === 'file') pack.entry({ name: e.name, type: 'file', mode: e.mode ?? 0o644 }, Buffer.from(e.content ?? ''));
    else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory', mode: 0o755 });
    else if (e.type === 'symlink' || e.type === 'link') pack.entry({ name: e.name, type: e.type, linkname: e.target });
    else pack.entry({ name: e.name, type: e.type, devmajor: 1, devminor: 3, mode: 0o644 });
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

const S_IF = { file: 0o100000, directory: 0o040000, symlink: 0o120000, 'character-device': 0o020000, 'block-device': 0o060000, fifo: 0o010000, socket: 0o140000 };

/** A .zip (stored, unix attributes) holding exactly these entries; `socket` is possible here too. */
export function zip(entries: (TestEntry | { name: string; type: 'socket' })[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const type = e.type ?? 'file';
    if (type === 'link') throw new Error('zip has no hard links');
    const data =
      type === 'file' ? Buffer.from(('content' in e && e.content) || '') : type === 'symlink' ? Buffer.from((e as { target: string }).target) : Buffer.alloc(0);
    const perm = 'mode' in e && e.mode ? e.mode : type === 'directory' ? 0o755 : 0o644;
    const mode = S_IF[type as keyof typeof S_IF] | perm;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(mode * 0x10000, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
