// The misbehaving fixtures in test/fixtures/models must misbehave exactly as
// their manifests say, or the worker's tests would prove nothing.
import { describe, it, expect } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest, startModelProcess } from './_lib/test-harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'models');

function start(name: string) {
  const dir = join(root, name);
  const manifest = readManifest(dir);
  expect(manifest.slug).toBe(`test-${name}`);
  expect(manifest).toMatchObject({ batchSize: 10, timeoutMs: 3000 });
  return startModelProcess(dir, manifest.runtime.command);
}

describe.concurrent('test fixtures', { timeout: 120_000 }, () => {
  it('echo answers and fails on "FAIL"', async () => {
    const p = start('echo');
    p.send('a', { smiles: 'CCO' });
    p.send('b', { smiles: 'FAIL' });
    expect(await p.next('a')).toEqual({ id: 'a', output: { smiles: 'CCO', length: 3 } });
    expect(await p.next('b')).toEqual({ id: 'b', error: 'echo was told to fail' });
    expect(await p.close()).toEqual({ code: 0, signal: null });
  });

  it('crash answers earlier items, then exits 3 on "Cl"', async () => {
    const p = start('crash');
    p.send('a', { smiles: 'CCO' });
    p.send('b', { smiles: 'CCl' });
    p.send('c', { smiles: 'CC' });
    expect((await p.next('a')).output).toEqual({ smiles: 'CCO', length: 3 });
    expect(await p.exited).toEqual({ code: 3, signal: null });
    await expect(p.next('c')).rejects.toThrow(/without answering id c/);
    expect(p.stderr()).toContain('about to crash');
  });

  it('hang answers others but not "N", and stays alive after EOF until killed', async () => {
    const p = start('hang');
    p.send('n', { smiles: 'CCN' });
    p.send('a', { smiles: 'CCO' });
    expect((await p.next('a')).output).toEqual({ smiles: 'CCO', length: 3 });
    void p.close();
    // A slow machine can only make this pass wrongly, never fail wrongly.
    const outcome = await Promise.race([
      p.exited.then(() => 'exited'),
      new Promise((resolve) => setTimeout(resolve, 1000, 'still running')),
    ]);
    expect(outcome).toBe('still running');
    expect(await p.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    await expect(p.next('n')).rejects.toThrow(/without answering id n/);
  });

  it('garbage writes non-JSON for every item and never answers', async () => {
    const p = start('garbage');
    p.send('a', { smiles: 'CCO' });
    p.send('b', { smiles: 'CC' });
    expect(await p.close()).toEqual({ code: 0, signal: null });
    expect(p.strayStdout).toEqual(['this is not json', 'this is not json']);
    await expect(p.next('a')).rejects.toThrow();
  });
});
