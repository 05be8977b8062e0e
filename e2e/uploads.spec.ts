import { expect, test } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { JobDetailPage } from './pages/job-detail.page';
import { NewJobPage } from './pages/new-job.page';
import { UploadFilePanel } from './pages/upload-file.page';
import { registerAndSignIn, uniqueEmail } from './support';

const CSV = ['compound_id,smiles', 'aspirin,CC(=O)Oc1ccccc1C(=O)O', '"caffeine, anhydrous",CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 'empty,', 'ethanol,OCC', ''].join('\n');

test('a gzipped CSV file is previewed with its bad row and run as a screen, one result per line', async ({ page }) => {
  test.setTimeout(180_000);
  await registerAndSignIn(page, uniqueEmail('upload'));
  const form = new NewJobPage(page);
  await form.goto();
  await form.model.selectOption('esol-solubility');

  const upload = new UploadFilePanel(page);
  await upload.choose('library.csv.gz', gzipSync(Buffer.from(CSV)));
  await expect(upload.preview).toContainText('caffeine, anhydrous');
  await expect(upload.preview.locator('tbody tr')).toHaveCount(3);
  await expect(upload.badRows).toContainText('line 4: the SMILES is empty');
  await expect(upload.estimate).toContainText('3 items in 1 task');
  await upload.run();

  const job = new JobDetailPage(page);
  await expect(job.total).toHaveText('4');
  await expect(job.status).toHaveText('succeeded', { timeout: 120_000 });
  await expect(job.done).toHaveText('3');
  await expect(job.failed).toHaveText('1');
});

test('a file that is not molecules is refused with the reason', async ({ page }) => {
  await registerAndSignIn(page, uniqueEmail('upload-bad'));
  await new NewJobPage(page).goto();
  const upload = new UploadFilePanel(page);
  await upload.choose('notes.xlsx', 'CCO');
  await expect(upload.error).toContainText('format');
});
