import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packBundle } from '../src/server/bundles/pack';
import { startHttpModelServer, type HttpModelServer } from '../test/fixtures/http-model-server';
import { ModelDetailPage } from './pages/model-detail.page';
import { WizardPage } from './pages/wizard.page';
import { registerAndSignIn, uniqueEmail } from './support';

const HEAVY_ATOMS = path.resolve(import.meta.dirname, 'fixtures', 'models', 'heavy-atoms');
const suffix = () => randomBytes(3).toString('hex');

/** The fixture folder as a model owner would pack it: its program and, when given, a model.json. */
async function heavyAtomsTarGz(manifest?: Record<string, unknown>): Promise<{ name: string; buffer: Buffer }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'heavy-atoms-'));
  await fs.cp(HEAVY_ATOMS, dir, { recursive: true });
  if (manifest) await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(manifest, null, 2));
  const buffer = await packBundle([{ dir }]);
  await fs.rm(dir, { recursive: true, force: true });
  return { name: 'heavy-atoms.tar.gz', buffer };
}

test.describe('onboarding a model through the wizard', () => {
  let server: HttpModelServer;
  test.beforeAll(async () => {
    server = await startHttpModelServer({ port: 0 });
  });
  test.afterAll(async () => {
    await server?.close();
  });

  test('an owner takes a Python model from the empty form to a prediction', async ({ page }) => {
    test.setTimeout(240_000);
    await registerAndSignIn(page, uniqueEmail('onboard'));
    const started = performance.now();

    await page.getByTestId('register-model-link').click();
    const wizard = new WizardPage(page);
    await wizard.expectStep('basics');
    const name = `Heavy atoms ${suffix()}`;
    const slug = await wizard.basics({
      name,
      task: 'property/heavy-atoms',
      description: 'Counts the heavy atoms of a molecule from its SMILES.',
      tags: 'e2e, python',
    });
    expect(slug).toBe(name.toLowerCase().replace(/ /g, '-'));

    // The folder as a .tar.gz with a model.json: the command and example come from it.
    const file = await heavyAtomsTarGz({ runtime: { kind: 'process', command: ['python3', 'main.py'] }, example: { smiles: 'c1ccccc1O' } });
    await wizard.bundleRuntime({ file, save: false });
    await expect(page.getByTestId('runtime-bundle-manifest')).toBeVisible();
    await expect(page.getByTestId('runtime-command')).toHaveValue('python3 main.py');
    await expect(page.getByTestId('example-smiles')).toHaveValue('c1ccccc1O');
    await wizard.saveRuntime();
    await expect(await wizard.runExample()).toContainText('"heavyAtoms": 7');
    await wizard.proposeSchemas();
    await expect(wizard.schemaRow('input', 'smiles').getByTestId('schema-field-format')).toHaveValue('smiles');
    const heavy = wizard.schemaRow('output', 'heavyAtoms');
    await expect(heavy.getByTestId('schema-field-type')).toHaveValue('number');
    await heavy.getByTestId('schema-field-description').fill('atoms other than hydrogen');
    await wizard.saveSchemas();

    await wizard.resources({ batchSize: 10 });
    await wizard.runSmokeTest();
    await expect(page.getByTestId('smoke-pass')).toBeVisible();
    await expect(wizard.smokeValue('heavyAtoms')).toHaveText('7');
    await wizard.continueToPublish();
    await wizard.publish(slug);

    const model = new ModelDetailPage(page);
    await expect(model.publishedBanner).toContainText('v1 is published');
    await expect(model.alias('production')).toContainText('v1');
    await expect(model.versionPicker).toHaveValue('production');
    await expect(page.getByTestId('output-schema-row-heavyAtoms')).toContainText('atoms other than hydrogen');
    await model.predict('CCO');
    await expect(model.value('heavyAtoms')).toHaveText('3', { timeout: 60_000 });
    console.log(`onboarding took ${((performance.now() - started) / 1000).toFixed(1)} s`);

    await expect(page.getByTestId('version-row-1')).toHaveAttribute('data-status', 'published');
    await expect(model.usage).toBeVisible();
  });

  test('an owner registers a model served over HTTP by its URL, with a credential nobody is shown', async ({ page }) => {
    test.setTimeout(240_000);
    await registerAndSignIn(page, uniqueEmail('onboard-http'));
    const wizard = new WizardPage(page);
    await wizard.goto();
    const slug = await wizard.basics({ name: `SMILES length ${suffix()}`, task: 'property/length' });
    const token = `e2e-token-${suffix()}`;

    const ready = await wizard.httpRuntime({ url: server.url, protocol: 'oip-v2', model: 'smiles-length', headers: `authorization: Bearer ${token}` });
    await expect(ready).toContainText('Ready');
    await expect(page.getByTestId('runtime-check-metadata')).toContainText('smiles-length');
    await wizard.exampleSmiles('CCO');
    await wizard.saveRuntime();

    await expect(await wizard.runExample()).toContainText('"length": 3');
    await wizard.proposeSchemas();
    await expect(wizard.schemaRow('output', 'length')).toBeVisible();
    await wizard.saveSchemas();
    await wizard.resources();
    await wizard.runSmokeTest();
    await expect(page.getByTestId('smoke-pass')).toBeVisible();
    await wizard.continueToPublish();
    await wizard.publish(slug);

    const model = new ModelDetailPage(page);
    await expect(model.publishedBanner).toBeVisible();
    await model.predict('c1ccccc1');
    await expect(model.value('length')).toHaveText('8', { timeout: 60_000 });
    // The worker sent the credential; the owner's own pages never show it again.
    expect(server.requests.some((r) => r.path.endsWith('/infer') && r.headers.authorization === `Bearer ${token}`)).toBe(true);
    await expect(page.locator('body')).not.toContainText(token);
    // A new version starts as a copy of v1: its credential shows as the mask, which keeps it.
    await page.goto(`/models/new?slug=${slug}&step=runtime`);
    await expect(page.getByTestId('runtime-headers')).toHaveValue('authorization: ••••••');
    server.requests.splice(0);
    await page.getByTestId('runtime-check').click();
    await expect(page.getByTestId('runtime-check-ok')).toContainText('Ready');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
  });

  test('a draft with a wrong command shows the model’s stderr and cannot be published', async ({ page }) => {
    test.setTimeout(180_000);
    await registerAndSignIn(page, uniqueEmail('onboard-bad'));
    const wizard = new WizardPage(page);
    await wizard.goto();
    const slug = await wizard.basics({ name: `Broken ${suffix()}`, task: 'property/heavy-atoms' });
    await wizard.bundleRuntime({ file: await heavyAtomsTarGz(), command: 'python3 does-not-exist.py', smiles: 'CCO' });

    await wizard.openStep('smoke');
    await wizard.runSmokeTest();
    await expect(page.getByTestId('smoke-failure-code')).toHaveText('MODEL_CRASHED');
    await expect(page.getByTestId('smoke-failure-message')).toContainText('No such file');
    await expect(page.getByTestId('smoke-fix-runtime')).toBeVisible();
    await expect(page.getByTestId('smoke-continue')).toBeDisabled();
    await wizard.openStep('publish');
    await expect(page.getByTestId('publish-needs-smoke')).toBeVisible();
    await expect(page.getByTestId('publish-submit')).toBeDisabled();

    // The draft waits in "Your drafts"; resuming lands on the first step it has not finished.
    await wizard.goto();
    await page.getByTestId(`draft-resume-${slug}-1`).click();
    await expect(page).toHaveURL(new RegExp(`/models/new\\?slug=${slug}&version=1$`));
    await wizard.expectStep('schemas');
  });
});
