import { expect, test } from '@playwright/test';
import { ModelDetailPage } from './pages/model-detail.page';
import { ModelsPage } from './pages/models.page';
import { registerAndSignIn, uniqueEmail } from './support';

const ASPIRIN = 'CC(=O)Oc1ccccc1C(=O)O';

test('predict one molecule from the catalog, then see a bad SMILES refused', async ({ page }) => {
  await registerAndSignIn(page, uniqueEmail('predict'));

  const catalog = new ModelsPage(page);
  await catalog.goto();
  for (const slug of ['rdkit-descriptors', 'ocl-properties', 'esol-solubility']) {
    await expect(catalog.card(slug)).toBeVisible();
  }
  await catalog.open('rdkit-descriptors');

  const model = new ModelDetailPage(page);
  await expect(page.getByTestId('input-schema-row-smiles')).toBeVisible();
  await expect(model.smiles).toHaveValue(ASPIRIN);
  await model.predict(ASPIRIN);

  await expect(model.output).toBeVisible({ timeout: 60_000 });
  await expect(model.value('tpsa')).toContainText('63.6');
  await expect(model.canonical).toHaveText(ASPIRIN);
  await expect(model.molecule).toBeVisible();
  // The picture really loaded: RDKit drew it, the browser decoded it.
  await expect.poll(() => model.molecule.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(model.latency).toContainText(/ms|s/);

  await model.predict('C1CC(');
  await expect(model.errorCode).toHaveText('INVALID_INPUT');
  await expect(model.errorMessage).toContainText(/SMILES/);
  await expect(model.output).toBeHidden();
});
