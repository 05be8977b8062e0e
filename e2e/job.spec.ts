import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JobDetailPage } from './pages/job-detail.page';
import { NewJobPage } from './pages/new-job.page';
import { registerAndSignIn, uniqueEmail } from './support';

const LIBRARY = readFileSync(path.join(import.meta.dirname, 'fixtures', 'smiles-50.txt'), 'utf8');

test('a 50-molecule screen finishes with 48 results and 2 refused SMILES', async ({ page }) => {
  test.setTimeout(180_000);
  await registerAndSignIn(page, uniqueEmail('job'));

  const form = new NewJobPage(page);
  await form.goto();
  await form.model.selectOption('esol-solubility');
  await form.label.fill('e2e solubility screen');
  await form.smiles.fill(LIBRARY);
  await expect(form.count).toContainText('50 molecules');
  await form.submitJob();

  const job = new JobDetailPage(page);
  await expect(job.total).toHaveText('50');
  await expect(job.status).toHaveText('succeeded', { timeout: 120_000 });
  await expect(job.done).toHaveText('48');
  await expect(job.failed).toHaveText('2');
  await expect(job.tasks).toHaveText(/^(\d+) \/ \1$/);
  await expect(job.rows()).toHaveCount(50);

  const first = job.rows('succeeded').first();
  const logS = (await first.getByTestId('result-value-logS').textContent())!.trim();
  expect(Number.isFinite(Number.parseFloat(logS)), `logS cell "${logS}" is a number`).toBe(true);

  await job.filter('failed');
  await expect(job.results).toHaveAttribute('data-filter', 'failed');
  await expect(job.rows()).toHaveCount(2);
  await expect(job.rows('failed')).toHaveCount(2);
  await expect(job.rows('failed').first().getByTestId('result-error-code')).toHaveText('INVALID_INPUT');
  await expect(job.rows('failed').first().getByTestId('result-error-message')).toContainText('SMILES');
});
