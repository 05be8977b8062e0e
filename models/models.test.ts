import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest, startModelProcess, type Manifest, type ModelProcess } from './_lib/test-harness.js';

const here = dirname(fileURLToPath(import.meta.url));
// Start-up loads WASM through tsx; a loaded CI box can be slow, never wrong.
const TIMEOUT = 120_000;

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
const BENZENE = 'c1ccccc1';
const ETHANOL = 'CCO';
const INVALID = 'C1CC';

type Output = Record<string, unknown>;

/** Every property the manifest requires is present and a finite number. */
function expectMatchesSchema(manifest: Manifest, output: Output | undefined): void {
  const schema = manifest.outputSchema as { properties: Record<string, { type: string; title?: string }>; required: string[] };
  expect(output).toBeDefined();
  expect(Object.keys(output!).sort()).toEqual(Object.keys(schema.properties).sort());
  for (const key of schema.required) {
    const value = output![key];
    expect(typeof value, key).toBe('number');
    expect(Number.isFinite(value), key).toBe(true);
    if (schema.properties[key]!.type === 'integer') expect(Number.isInteger(value), key).toBe(true);
  }
}

function describeModel(slug: string, checks: (outputs: Record<string, Output>) => void): void {
  describe(slug, () => {
    const dir = join(here, slug);
    const manifest = readManifest(dir);
    let model: ModelProcess;

    beforeAll(() => {
      model = startModelProcess(dir, manifest.runtime.command);
    });
    afterAll(async () => {
      if (model.alive()) await model.kill();
    });

    it('has a manifest with the agreed keys and titled outputs', () => {
      expect(Object.keys(manifest).sort()).toEqual(
        ['batchSize', 'description', 'example', 'inputSchema', 'name', 'outputSchema', 'runtime', 'slug', 'tags', 'task', 'timeoutMs', 'version'].sort(),
      );
      expect(manifest.slug).toBe(slug);
      const props = (manifest.outputSchema as { properties: Record<string, { title?: string }> }).properties;
      for (const [key, prop] of Object.entries(props)) expect(prop.title, key).toBeTruthy();
    });

    it('answers valid molecules, reports a bad one, survives both and exits at EOF', async () => {
      const molecules = { aspirin: ASPIRIN, benzene: BENZENE, ethanol: ETHANOL };
      for (const [id, smiles] of Object.entries(molecules)) model.send(id, { smiles });
      model.sendRaw('this line is not JSON');
      model.send('bad', { smiles: INVALID });

      const outputs: Record<string, Output> = {};
      for (const id of Object.keys(molecules)) {
        const line = await model.next(id);
        expect(line.error, `${id}: ${line.error}`).toBeUndefined();
        expectMatchesSchema(manifest, line.output);
        outputs[id] = line.output!;
      }
      checks(outputs);

      const bad = await model.next('bad');
      expect(bad.output).toBeUndefined();
      expect(bad.error).toContain(INVALID);

      // Still alive and still answering after the bad item and the non-JSON line.
      expect(model.alive()).toBe(true);
      model.send('after', { smiles: ETHANOL });
      const after = await model.next('after');
      expect(after.output).toEqual(outputs.ethanol);
      expect(model.stderr()).toContain('not JSON');

      const exit = await model.close();
      expect(exit).toEqual({ code: 0, signal: null });
      expect(model.strayStdout).toEqual([]);
    });

    it('answers the manifest example', async () => {
      const again = startModelProcess(dir, manifest.runtime.command);
      again.send('example', manifest.example as Record<string, unknown>);
      const line = await again.next('example');
      expectMatchesSchema(manifest, line.output);
      expect(await again.close()).toEqual({ code: 0, signal: null });
    });
  });
}

describe.concurrent('models', { timeout: TIMEOUT }, () => {
  describeModel('rdkit-descriptors', ({ aspirin, ethanol }) => {
    expect(aspirin!.tpsa).toBeCloseTo(63.6, 1);
    expect(aspirin!.mw).toBeCloseTo(180.16, 1);
    expect(aspirin!).toMatchObject({ hba: 4, hbd: 1, rotatableBonds: 2 });
    expect(ethanol!).toMatchObject({ hba: 1, hbd: 1 });
  });

  describeModel('esol-solubility', ({ benzene, aspirin }) => {
    const b = benzene!;
    expect(b.aromaticProportion).toBe(1);
    expect(b.rotatableBonds).toBe(0);
    // The published equation on RDKit inputs, recomputed by hand.
    const expected = 0.16 - 0.63 * (b.clogP as number) - 0.0062 * (b.mw as number) - 0.74;
    expect(b.logS).toBeCloseTo(expected, 9);
    // Sanity against experiment (benzene -1.64): Delaney's coefficients on
    // Crippen logP give -2.13, so a 0.5 band is too tight; 1 log unit is ESOL's error scale.
    expect(Math.abs((b.logS as number) - -1.64)).toBeLessThan(1);
    expect(aspirin!.aromaticProportion).toBeCloseTo(6 / 13, 9);
  });

  describeModel('ocl-properties', ({ aspirin }) => {
    expect(aspirin!.psa).toBeCloseTo(63.6, 0);
  });
});
