/**
 * Screenshots of the main pages for the README, from a running gateway with a fresh database:
 *   BASE_URL=http://127.0.0.1:3000 npx tsx scripts/screenshots.ts   (writes docs/screenshots/)
 * It registers the e2e fixture model e2e/fixtures/models/heavy-atoms through the wizard, builds a
 * consensus and evaluates the built-in logS-consensus on the Huuskonen set on the way.
 */
import { chromium, type Page } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const out = process.env.OUT_DIR ?? 'docs/screenshots';
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const fixture = path.resolve(import.meta.dirname, '..', 'e2e', 'fixtures', 'models', 'heavy-atoms');
mkdirSync(out, { recursive: true });

const visible = (page: Page, testId: string, timeout = 60_000) => page.getByTestId(testId).first().waitFor({ state: 'visible', timeout });
const step = (page: Page, id: string) => page.locator(`[data-testid="wizard-body"][data-step="${id}"]`).waitFor();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

await page.goto(`${base}/signin`);
await visible(page, 'signin-heading');
await page.getByTestId('signin-show-register').click();
await page.getByTestId('signin-email').fill('admin@example.com');
await page.getByTestId('signin-password').fill('password1234');
await page.getByTestId('signin-submit').click();
await page.waitForURL(/\/models$/);

// The wizard, with the fixture model that the e2e test onboards.
await page.goto(`${base}/models/new`);
await step(page, 'basics');
await page.getByTestId('basics-name').fill('Heavy atoms');
await page.getByTestId('basics-task').fill('property/heavy-atoms');
await page.getByTestId('basics-description').fill('Counts the heavy (non-hydrogen) atoms of a molecule and the length of its SMILES.');
await page.getByTestId('basics-tags').fill('python, counting');
await page.getByTestId('basics-submit').click();
await step(page, 'runtime');
await page.getByTestId('runtime-command').fill(`${python} main.py`);
await page.getByTestId('runtime-cwd').fill(fixture);
await page.getByTestId('example-smiles').fill('c1ccccc1O');
await page.getByTestId('runtime-submit').click();
await step(page, 'schemas');
await page.getByTestId('schemas-run').click();
await visible(page, 'schemas-run-output-json');
await page.getByTestId('schemas-propose').click();
const heavy = page.locator('[data-testid="schema-output-row"][data-field="heavyAtoms"]');
await heavy.waitFor();
await heavy.getByTestId('schema-field-description').fill('atoms other than hydrogen');
await page.screenshot({ path: `${out}/wizard-schemas.png`, fullPage: true });
await page.getByTestId('schemas-save').click();
await step(page, 'resources');
await page.getByTestId('resources-batchSize').fill('10');
await page.getByTestId('resources-submit').click();
await step(page, 'smoke');
await page.getByTestId('smoke-run').click();
await visible(page, 'smoke-pass', 90_000);
await page.screenshot({ path: `${out}/wizard-smoke.png`, fullPage: true });
await page.getByTestId('smoke-continue').click();
await step(page, 'publish');
await page.getByTestId('publish-submit').click();
await page.waitForURL(/\/models\/heavy-atoms\?published=1$/);

await page.getByTestId('tryit-field-smiles').fill('CC(=O)Oc1ccccc1C(=O)O');
await page.getByTestId('tryit-submit').click();
await visible(page, 'prediction-output');
// The form's preview follows the typed SMILES after a debounce; wait until both drawings are in.
await page.waitForFunction(() =>
  ['tryit-preview', 'prediction-molecule'].every((id) => {
    const img = document.querySelector<HTMLImageElement>(`[data-testid="${id}"]`);
    return !!img && img.src.includes('Oc1ccccc1') && img.complete && img.naturalWidth > 0;
  }),
);
await page.screenshot({ path: `${out}/model.png`, fullPage: true });

await page.goto(`${base}/models`);
await visible(page, 'model-card-heavy-atoms');
await page.screenshot({ path: `${out}/models.png` });

await page.goto(`${base}/jobs/new?model=esol-solubility`);
await page.getByTestId('newjob-model').and(page.locator(':enabled')).waitFor();
await page.getByTestId('newjob-smiles').fill(['CCO', 'c1ccccc1', 'C1CC(', 'CC(=O)Oc1ccccc1C(=O)O', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C'].join('\n'));
await page.getByTestId('newjob-submit').click();
await page.waitForURL(/jobs\/[0-9a-f-]{36}/);
await page.getByTestId('job-status').filter({ hasText: /^(succeeded|failed)$/ }).waitFor({ timeout: 120_000 });
await visible(page, 'results-table');
await page.screenshot({ path: `${out}/job.png`, fullPage: true });

// A full-page shot of a scrolled page draws the sticky nav where the viewport was.
const fullPage = async (file: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${out}/${file}`, fullPage: true });
};

// The consensus builder, filled in with the two solubility models.
await page.goto(`${base}/models/new/consensus`);
await visible(page, 'consensus-form');
await page.getByTestId('consensus-name').fill('Solubility median');
await page.getByTestId('consensus-task').fill('property/solubility');
await page.getByTestId('consensus-example').fill('c1ccccc1O');
for (const [i, slug] of ['ocl-properties', 'esol-solubility'].entries()) {
  const row = page.getByTestId(`consensus-member-${i}`);
  await row.getByTestId('member-model').selectOption(slug);
  await row.getByTestId('member-field').locator('option[value="logS"]').waitFor({ state: 'attached' });
  await row.getByTestId('member-field').selectOption('logS');
}
await page.getByTestId('consensus-member-0').getByTestId('member-name').fill('ocl');
await page.getByTestId('consensus-member-1').getByTestId('member-name').fill('esol');
await page.getByTestId('consensus-strategy').selectOption('median');
await page.getByTestId('consensus-quorum').fill('2');
await fullPage('consensus-form.png');
await page.getByTestId('consensus-submit').click();
await page.waitForURL(/\/models\/solubility-median\?published=1$/, { timeout: 120_000 });

// The built-in logS consensus scored on the Huuskonen set, with one member's points shown too.
await page.goto(`${base}/evaluations/new?model=logS-consensus`);
const dataset = page.getByTestId('evaluation-dataset').locator('option', { hasText: 'Huuskonen' });
await dataset.waitFor({ state: 'attached' });
await page.getByTestId('evaluation-dataset').selectOption((await dataset.getAttribute('value'))!);
await visible(page, 'evaluation-model-kind');
await page.getByTestId('evaluation-submit').click();
await page.waitForURL(/evaluations\/[0-9a-f-]{36}$/);
await page.getByTestId('evaluation-status').filter({ hasText: /^(succeeded|failed)$/ }).waitFor({ timeout: 300_000 });
await visible(page, 'parity-plot');
await page.getByTestId('parity-toggle-esol').click();
await page.waitForFunction(() => {
  const bar = document.querySelector('[data-testid="evaluation-progress"]');
  const done = bar?.querySelector<HTMLElement>('.progress-done');
  // The bar eases to its width; wait until it is drawn full, and the member's points are in.
  return !!bar && !!done && done.offsetWidth >= bar.clientWidth - 1 && document.querySelectorAll('[data-testid="parity-member-point"]').length > 0;
});
await fullPage('evaluation.png');
await browser.close();
