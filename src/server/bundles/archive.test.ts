import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tarGz, zip, type TestEntry } from '../../../test/archives';
import { DEFAULT_BUNDLE_LIMITS, readArchive, type BundleLimits } from './archive';
import { packBundle, sha256Digest } from './pack';

const limits = DEFAULT_BUNDLE_LIMITS;
const main = { name: 'main.py', content: 'print(1)\n' };

type Maker = (entries: TestEntry[]) => Promise<Buffer> | Buffer;
const formats: [string, Maker][] = [
  ['tar.gz', tarGz],
  ['zip', (e) => zip(e)],
];

async function refusal(bytes: Buffer, l: BundleLimits = limits) {
  const e = await readArchive(bytes, l).then(
    () => null,
    (err) => err,
  );
  expect(e, 'the archive should have been refused').not.toBeNull();
  return e as { code: string; message: string; details?: Record<string, unknown> };
}

describe('bundle archives', () => {
  for (const [format, make] of formats) {
    describe(format, () => {
      it('reads a good bundle: files, folders, an internal relative symlink, the executable bit', async () => {
        const seen: Record<string, string> = {};
        const summary = await readArchive(
          await make([
            { name: './', type: 'directory' },
            { name: 'model.json', content: '{}' },
            { name: 'bin/', type: 'directory' },
            { name: 'bin/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
            { name: 'lib/util.py', content: 'x = 1\n' },
            { name: 'bin/util.py', type: 'symlink', target: '../lib/util.py' },
          ]),
          limits,
          (entry, content) => void (seen[entry.path] = content.toString()),
        );
        expect(summary).toMatchObject({ format, files: 3 });
        expect(seen).toEqual({ 'model.json': '{}', 'bin/run.sh': '#!/bin/sh\n', 'lib/util.py': 'x = 1\n' });
        expect(summary.entries.find((e) => e.path === 'bin/run.sh')).toMatchObject({ executable: true });
        expect(summary.entries.find((e) => e.path === 'bin/util.py')).toMatchObject({ type: 'symlink', target: '../lib/util.py' });
      });

      it('refuses path traversal through ".."', async () => {
        const e = await refusal(await make([main, { name: 'sub/../../escape.txt', content: 'x' }]));
        expect(e).toMatchObject({ code: 'INVALID_INPUT', details: { entry: 'sub/../../escape.txt' } });
        expect(e.message).toMatch(/"sub\/\.\.\/\.\.\/escape\.txt" leaves the bundle through "\.\."/);
      });

      it('refuses absolute paths', async () => {
        const e = await refusal(await make([main, { name: '/etc/cron.d/evil', content: 'x' }]));
        expect(e).toMatchObject({ code: 'INVALID_INPUT' });
        expect(e.message).toMatch(/"\/etc\/cron\.d\/evil" is an absolute path/);
      });

      it('refuses a symlink that leaves the bundle, relative or absolute', async () => {
        const up = await refusal(await make([main, { name: 'data', type: 'symlink', target: '../../../etc' }]));
        expect(up).toMatchObject({ code: 'INVALID_INPUT' });
        expect(up.message).toMatch(/"data" is a symlink to "\.\.\/\.\.\/\.\.\/etc", which leaves the bundle/);
        const abs = await refusal(await make([main, { name: 'passwd', type: 'symlink', target: '/etc/passwd' }]));
        expect(abs.message).toMatch(/"passwd" is a symlink to "\/etc\/passwd", an absolute path outside the bundle/);
      });

      it('refuses entries unpacked through a symlink (a link inside, then a file below it)', async () => {
        const e = await refusal(await make([main, { name: 'a', type: 'symlink', target: '.' }, { name: 'a/b.txt', content: 'x' }]));
        expect(e.message).toMatch(/"a\/b\.txt" lies below the symlink "a"/);
      });

      it('refuses device files and FIFOs', async () => {
        if (format === 'tar.gz') {
          const dev = await refusal(await make([main, { name: 'null', type: 'character-device' }]));
          expect(dev).toMatchObject({ code: 'INVALID_INPUT' });
          expect(dev.message).toMatch(/"null" is a device file/);
          expect((await refusal(await make([main, { name: 'disk', type: 'block-device' }]))).message).toMatch(/"disk" is a device file/);
        } else {
          expect((await refusal(zip([main, { name: 'null', type: 'character-device' }]))).message).toMatch(/"null" is a device file/);
          expect((await refusal(zip([main, { name: 'sock', type: 'socket' }]))).message).toMatch(/"sock" is a socket/);
        }
        const fifo = await refusal(await make([main, { name: 'pipe', type: 'fifo' }]));
        expect(fifo.message).toMatch(/"pipe" is a FIFO/);
      });

      it('refuses an archive past the compressed, unpacked, per-file or entry-count limit, naming the limit', async () => {
        const big = { name: 'weights.bin', content: Buffer.alloc(200_000, 7) };
        const bytes = await make([main, big]);
        const compressed = await refusal(bytes, { ...limits, maxBytes: 100 });
        expect(compressed).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 100 } });
        const perFile = await refusal(bytes, { ...limits, maxFileBytes: 100_000 });
        expect(perFile).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { entry: 'weights.bin', limit: 100_000 } });
        expect(perFile.message).toMatch(/"weights\.bin" is larger than 100000 bytes, the limit for one file/);
        const total = await refusal(await make([main, { ...big, name: 'a.bin' }, { ...big, name: 'b.bin' }]), { ...limits, maxUnpackedBytes: 300_000 });
        expect(total).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { entry: 'b.bin', limit: 300_000 } });
        const many = await make(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, content: 'x' })));
        const count = await refusal(many, { ...limits, maxEntries: 20 });
        expect(count).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 20 } });
        expect(count.message).toMatch(/20/);
      });
    });
  }

  it('refuses hard links (tar), whatever they point at', async () => {
    const outside = await refusal(await tarGz([main, { name: 'shadow', type: 'link', target: '/etc/shadow' }]));
    expect(outside).toMatchObject({ code: 'INVALID_INPUT' });
    expect(outside.message).toMatch(/"shadow" is a hard link \(to "\/etc\/shadow"\)/);
    expect((await refusal(await tarGz([main, { name: 'copy.py', type: 'link', target: 'main.py' }]))).message).toMatch(/hard link/);
  });

  it('refuses a gzip bomb once it unpacks past the limit, however small it is', async () => {
    const bomb = await tarGz([{ name: 'zeros', content: Buffer.alloc(20_000_000) }]);
    expect(bomb.length).toBeLessThan(100_000);
    const e = await refusal(bomb, { ...limits, maxUnpackedBytes: 1_000_000, maxFileBytes: 10_000_000 });
    expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { entry: 'zeros', limit: 1_000_000 } });
  });

  it('refuses what is not an archive, or a damaged one', async () => {
    expect(await refusal(Buffer.from('just text'))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/neither a \.tar\.gz nor a \.zip/) });
    expect(await refusal(gzipSync(Buffer.from('not a tar at all, but long enough to look like a header block'.repeat(20))))).toMatchObject({ code: 'INVALID_INPUT' });
    const good = await tarGz([main]);
    expect(await refusal(good.subarray(0, good.length - 10))).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('packs a folder deterministically: the same files give the same digest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mgw-pack-'));
    await fs.mkdir(path.join(dir, 'sub'));
    await fs.writeFile(path.join(dir, 'main.py'), 'print(1)\n');
    await fs.writeFile(path.join(dir, 'sub', 'x.txt'), 'x');
    const a = await packBundle([{ dir }]);
    await fs.utimes(path.join(dir, 'main.py'), new Date(), new Date(2001, 1, 1));
    const b = await packBundle([{ dir }]);
    expect(sha256Digest(a)).toBe(sha256Digest(b));
    const summary = await readArchive(a, limits);
    expect(summary.entries.map((e) => e.path).sort()).toEqual(['main.py', 'sub', 'sub/x.txt']);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
