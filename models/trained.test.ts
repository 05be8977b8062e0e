// logS-gbm as a program: its weights are built by `npm run models:train` (or seeding), so the
// test skips where they are not (no ../shared/data). Its training mode learns a training set sent
// as the first item, with the recipe of the shipped weights.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readManifest, startModelProcess } from './_lib/test-harness.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'logS-gbm');
const manifest = readManifest(dir) as ReturnType<typeof readManifest> & { runtime: { training: { command: string[] } } };
const trained = existsSync(join(dir, 'trained', 'weights.json'));

describe.skipIf(!trained)('logS-gbm', { timeout: 180_000 }, () => {
  it('predicts logS with its applicability domain, and fails a bad SMILES alone', async () => {
    const p = startModelProcess(dir, manifest.runtime.command);
    p.send('a', { smiles: 'CC(=O)Oc1ccccc1C(=O)O' });
    p.send('b', { smiles: 'C1CC' });
    p.send('c', { smiles: 'CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC[Si](C)(C)C' });
    const a = await p.next('a');
    expect(a.output!.logS).toEqual(expect.any(Number));
    expect(a.output!.applicabilityDomain).toMatchObject({ inDomain: true, threshold: 0.35 });
    expect((a.output!.applicabilityDomain as { similarity: number }).similarity).toBeGreaterThan(0.35);
    expect((await p.next('b')).error).toMatch(/could not parse SMILES "C1CC"/);
    const far = (await p.next('c')).output!.applicabilityDomain as { inDomain: boolean; similarity: number };
    expect(far.similarity).toBeLessThan(1);
    expect(await p.close()).toEqual({ code: 0, signal: null });
  });

  it('learns the training set sent first in training mode, then predicts with it', async () => {
    const p = startModelProcess(dir, manifest.runtime.training.command);
    p.send('x', { smiles: 'CCO' });
    expect((await p.next('x')).error).toMatch(/send the training set first/);
    const train = ['CCO', 'CCCO', 'CCCCO', 'CCCCCO', 'CCCCCCO', 'CCCCCCCO', 'CCCCCCCCO', 'c1ccccc1', 'Cc1ccccc1', 'CCc1ccccc1', 'CCCc1ccccc1', 'Oc1ccccc1'].map((smiles, i) => ({ input: { smiles }, target: -0.5 * i }));
    p.send('fit', { train, field: 'logS' });
    expect((await p.next('fit')).output).toEqual({ trained: 12, skipped: 0 });
    p.send('y', { smiles: 'CCCCCCCCCO' });
    const y = (await p.next('y')).output!;
    expect(y.logS).toEqual(expect.any(Number));
    // Its domain is now the 12 molecules it learnt, not the shipped training set.
    expect((y.applicabilityDomain as { nearest: string }).nearest).toMatch(/^C+O$/);
    p.send('again', { train });
    expect((await p.next('again')).error).toMatch(/already learnt/);
    await p.close();
  });
});
