/**
 * The science models (Debian programs behind the JSON Lines contract): each is
 * spawned exactly as its manifest says and fed real molecules. A model whose
 * `requires` programs are missing is skipped, so this suite passes on a machine
 * without them; `npm run models:science` (scripts/install-science-models.sh)
 * installs them.
 *
 * Molecules go one at a time so each answer's wall time is that molecule's own
 * cost (printed at the end); the first item, an invalid SMILES, times start-up.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest, startModelProcess, type Manifest, type ModelProcess } from './_lib/test-harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const TIMEOUT = 180_000;

const BENZENE = 'c1ccccc1';
const ETHANOL = 'CCO';
const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';
const METHYLAMMONIUM = 'C[NH3+]';
const INVALID = 'C1CC';

type Output = Record<string, number>;

/** Same rule as the gateway's seeding: a bare name is looked up on PATH, a path must exist. */
function onPath(program: string): boolean {
  if (program.includes('/')) return existsSync(program);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}

const timings: string[] = [];
afterAll(() => {
  if (timings.length) console.log(`science model timings (wall time per item, one warm process):\n${timings.join('\n')}`);
});

function expectMatchesSchema(manifest: Manifest, output: Record<string, unknown> | undefined, label: string): asserts output is Output {
  const schema = manifest.outputSchema as { properties: Record<string, { type: string }>; required: string[] };
  expect(output, label).toBeDefined();
  expect(Object.keys(output!).sort(), label).toEqual(Object.keys(schema.properties).sort());
  for (const [key, prop] of Object.entries(schema.properties)) {
    const value = output![key];
    expect(typeof value, `${label}.${key}`).toBe('number');
    expect(Number.isFinite(value), `${label}.${key}`).toBe(true);
    if (prop.type === 'integer') expect(Number.isInteger(value), `${label}.${key}`).toBe(true);
  }
}

/** Temp dirs a model left behind (prefix as in _science/run.ts). */
function leftovers(prefix: string): string[] {
  return readdirSync(workDir).filter((name) => name.startsWith(`mgw-sci-${prefix}-`));
}

// The models spawned here put their work folders in a folder of this file's own, so that other
// test files running science models at the same time cannot look like leftovers.
const workDir = mkdtempSync(join(tmpdir(), 'mgw-sci-test-'));
process.env.MGW_SCI_TMPDIR = workDir;
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface ScienceCase {
  molecules: Record<string, string>;
  checks: (outputs: Record<string, Output>) => void;
  /** Extra items that must come back as error lines: SMILES and a pattern the message matches. */
  errors?: Record<string, { smiles: string; matches: RegExp }>;
  /** How close a repeat of ethanol must be (3D structures are randomised; 0 = identical). */
  repeatTolerance: Record<string, number>;
  /** Temp dir prefix the model uses, checked for clean-up; undefined for models without temp dirs. */
  tempPrefix?: string;
}

function describeScienceModel(slug: string, c: ScienceCase): void {
  const dir = join(here, slug);
  const manifest = readManifest(dir);
  const requires = (manifest.requires ?? []) as string[];
  const missing = requires.filter((p) => !onPath(p));

  describe.skipIf(missing.length > 0)(`${slug}${missing.length ? ` (missing ${missing.join(', ')})` : ''}`, () => {
    it('has a manifest with the agreed keys, requires, and titled, described outputs', () => {
      expect(Object.keys(manifest).sort()).toEqual(
        ['batchSize', 'description', 'example', 'inputSchema', 'name', 'outputSchema', 'requires', 'runtime', 'slug', 'tags', 'task', 'timeoutMs', 'version'].sort(),
      );
      expect(manifest.slug).toBe(slug);
      expect(requires.length).toBeGreaterThan(0);
      expect((manifest.tags as string[]).length).toBeGreaterThan(0);
      expect(manifest.task).toMatch(/^[a-z-]+\/[a-z-]+$/);
      expect((manifest.description as string).length).toBeGreaterThan(40);
      const schema = manifest.outputSchema as { properties: Record<string, { title?: string; description?: string }>; required: string[] };
      for (const [key, prop] of Object.entries(schema.properties)) {
        expect(prop.title, key).toBeTruthy();
        expect(prop.description, key).toBeTruthy();
      }
      for (const key of schema.required) expect(schema.properties[key], key).toBeDefined();
      expect(manifest.batchSize).toBeGreaterThanOrEqual(1);
      expect(manifest.timeoutMs).toBeGreaterThanOrEqual(10_000);
    });

    it('answers valid molecules, reports bad ones, survives them and exits at EOF', async () => {
      const before = c.tempPrefix ? new Set(leftovers(c.tempPrefix)) : new Set<string>();
      const model: ModelProcess = startModelProcess(dir, manifest.runtime.command);
      try {
        const time = async (id: string, smiles: string) => {
          const started = performance.now();
          model.send(id, { smiles });
          const line = await model.next(id);
          return { line, ms: performance.now() - started };
        };

        // First item: an invalid SMILES, answered as soon as the model is up.
        const bad = await time('bad', INVALID);
        expect(bad.line.output).toBeUndefined();
        expect(bad.line.error).toContain(INVALID);
        const rows = [`  ${slug.padEnd(10)} start-up + invalid SMILES ${bad.ms.toFixed(0).padStart(6)} ms`];

        const outputs: Record<string, Output> = {};
        for (const [name, smiles] of Object.entries(c.molecules)) {
          const { line, ms } = await time(name, smiles);
          expect(line.error, `${name}: ${line.error}`).toBeUndefined();
          expectMatchesSchema(manifest, line.output, name);
          outputs[name] = line.output;
          rows.push(`  ${slug.padEnd(10)} ${name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms  ${JSON.stringify(line.output)}`);
        }
        c.checks(outputs);

        for (const [id, { smiles, matches }] of Object.entries(c.errors ?? {})) {
          const { line } = await time(id, smiles);
          expect(line.output, id).toBeUndefined();
          expect(line.error, id).toMatch(matches);
        }

        // Still alive and still answering after the bad items and a non-JSON line.
        model.sendRaw('this line is not JSON');
        expect(model.alive()).toBe(true);
        const again = await time('again', ETHANOL);
        expect(again.line.error).toBeUndefined();
        expectMatchesSchema(manifest, again.line.output, 'again');
        for (const [key, tolerance] of Object.entries(c.repeatTolerance)) {
          expect(Math.abs(again.line.output[key]! - outputs.ethanol![key]!), `repeat ${key}`).toBeLessThanOrEqual(tolerance);
        }
        // stderr is a separate pipe: the note may trail the stdout answer.
        await expect.poll(() => model.stderr(), { timeout: 5000 }).toContain('not JSON');

        const exit = await model.close();
        expect(exit).toEqual({ code: 0, signal: null });
        expect(model.strayStdout).toEqual([]);
        if (c.tempPrefix) expect(leftovers(c.tempPrefix).filter((d) => !before.has(d))).toEqual([]);
        timings.push(...rows);
      } finally {
        if (model.alive()) await model.kill();
      }
    });

    it('answers the manifest example', async () => {
      const model = startModelProcess(dir, manifest.runtime.command);
      try {
        const started = performance.now();
        model.send('example', manifest.example as Record<string, unknown>);
        const line = await model.next('example');
        expect(line.error, line.error).toBeUndefined();
        expectMatchesSchema(manifest, line.output, 'example');
        timings.push(`  ${slug.padEnd(10)} ${'example (cold start)'.padEnd(24)} ${(performance.now() - started).toFixed(0).padStart(6)} ms  ${JSON.stringify(line.output)}`);
        expect(await model.close()).toEqual({ code: 0, signal: null });
      } finally {
        if (model.alive()) await model.kill();
      }
    });
  });
}

describe('science models', { timeout: TIMEOUT }, () => {
  describeScienceModel('xtb-gfn2', {
    molecules: { benzene: BENZENE, ethanol: ETHANOL, aspirin: ASPIRIN, methylammonium: METHYLAMMONIUM },
    checks: ({ benzene, ethanol, aspirin, methylammonium }) => {
      // GFN2 at an MMFF94 geometry; the total energy barely depends on the conformer for these.
      expect(benzene!.totalEnergy).toBeCloseTo(-15.879, 1);
      expect(ethanol!.totalEnergy).toBeCloseTo(-11.393, 1);
      expect(aspirin!.totalEnergy).toBeCloseTo(-39.615, 1);
      expect(benzene!.homoLumoGap).toBeGreaterThan(3);
      expect(benzene!.homoLumoGap).toBeLessThan(8);
      // Saturated molecules have much wider GFN2 gaps than aromatics.
      expect(ethanol!.homoLumoGap).toBeGreaterThan(benzene!.homoLumoGap!);
      expect(aspirin!.homoLumoGap).toBeGreaterThan(1);
      expect(aspirin!.homoLumoGap).toBeLessThan(benzene!.homoLumoGap!);
      // Benzene is non-polar; ethanol is 1.69 D in experiment.
      expect(benzene!.dipoleMoment).toBeLessThan(0.1);
      expect(ethanol!.dipoleMoment).toBeGreaterThan(1);
      expect(ethanol!.dipoleMoment).toBeLessThan(3);
      for (const o of [benzene, ethanol, aspirin]) expect(o!.charge).toBe(0);
      // --chrg 1 reached xtb: CH3NH3+ has 18 electrons, closed shell, a wide gap.
      expect(methylammonium!.charge).toBe(1);
      expect(methylammonium!.totalEnergy).toBeCloseTo(-7.665, 1);
      expect(methylammonium!.homoLumoGap).toBeGreaterThan(5);
    },
    repeatTolerance: { totalEnergy: 1e-3, homoLumoGap: 0.05, dipoleMoment: 0.2, charge: 0 },
    tempPrefix: 'xtb',
  });

  // Experiment (gas, kcal/mol): benzene 19.8, ethanol −56.2. The semi-empirical
  // methods at a force-field geometry land within ~10 of it; PM7 benzene is 23.
  for (const method of ['pm7', 'am1', 'pm3']) {
    describeScienceModel(`mopac-${method}`, {
      molecules: { benzene: BENZENE, ethanol: ETHANOL, aspirin: ASPIRIN, methylammonium: METHYLAMMONIUM },
      checks: ({ benzene, ethanol, aspirin, methylammonium }) => {
        expect(Math.abs(benzene!.heatOfFormation! - 22)).toBeLessThanOrEqual(10);
        expect(Math.abs(ethanol!.heatOfFormation! - -56.2)).toBeLessThanOrEqual(10);
        // Aspirin: about −150 at the PM7 optimum; 1SCF at the MMFF geometry sits higher.
        expect(aspirin!.heatOfFormation).toBeGreaterThan(-170);
        expect(aspirin!.heatOfFormation).toBeLessThan(-120);
        // Koopmans IP of benzene (experiment 9.24 eV).
        expect(benzene!.ionizationPotential).toBeGreaterThan(8.5);
        expect(benzene!.ionizationPotential).toBeLessThan(10.5);
        expect(benzene!.dipoleMoment).toBeLessThan(0.1);
        expect(ethanol!.dipoleMoment).toBeGreaterThan(1);
        expect(ethanol!.dipoleMoment).toBeLessThan(3);
        // CHARGE=1 reached MOPAC: the cation's heat of formation (≈146 in experiment).
        expect(methylammonium!.charge).toBe(1);
        expect(Math.abs(methylammonium!.heatOfFormation! - 146)).toBeLessThanOrEqual(15);
      },
      // MOPAC runs but has no parameters for americium: its .out says so and exits 0.
      errors: { americium: { smiles: '[Am]', matches: /MOPAC gave no heat of formation: .*(missing|MISSING)/ } },
      repeatTolerance: { heatOfFormation: 0.5, ionizationPotential: 0.05, dipoleMoment: 0.2, charge: 0 },
      tempPrefix: `mopac-${method}`,
    });
  }

  // Docking is the slow one: one small ligand here (exhaustiveness is fixed at 2).
  describeScienceModel('vina-1iep', {
    molecules: { ethanol: ETHANOL },
    checks: ({ ethanol }) => {
      expect(ethanol!.affinity).toBeLessThan(0);
      expect(ethanol!.affinity).toBeGreaterThan(-6);
      expect(ethanol!.poses).toBeGreaterThanOrEqual(1);
      expect(ethanol!.poses).toBeLessThanOrEqual(9);
      expect(ethanol!.torsions).toBe(2); // C–C and the hydroxyl
    },
    errors: { salt: { smiles: 'CC(=O)[O-].[Na+]', matches: /2 disconnected parts/ } },
    repeatTolerance: { affinity: 1, torsions: 0 },
    tempPrefix: 'vina',
  });

  describeScienceModel('rdkit-qed', {
    molecules: { benzene: BENZENE, ethanol: ETHANOL, aspirin: ASPIRIN },
    checks: ({ aspirin, benzene }) => {
      expect(Math.abs(aspirin!.qed! - 0.55)).toBeLessThanOrEqual(0.05);
      expect(aspirin!.mw).toBeCloseTo(180.16, 1);
      expect(aspirin!.psa).toBeCloseTo(63.6, 1);
      expect(aspirin).toMatchObject({ hba: 4, hbd: 1, rotatableBonds: 2, aromaticRings: 1 });
      expect(benzene).toMatchObject({ hba: 0, hbd: 0, aromaticRings: 1, alerts: 0 });
      for (const o of [aspirin, benzene]) {
        expect(o!.qed).toBeGreaterThan(0);
        expect(o!.qed).toBeLessThan(1);
      }
    },
    errors: { empty: { smiles: ' ', matches: /must not be empty/ } },
    repeatTolerance: { qed: 0, mw: 0, alogp: 0, hba: 0, hbd: 0, psa: 0, rotatableBonds: 0, aromaticRings: 0, alerts: 0 },
  });
});
