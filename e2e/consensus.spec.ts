import { expect, test, type Locator } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppNav } from './pages/app-nav';
import { ConsensusFormPage } from './pages/consensus-form.page';
import { EvaluationDetailPage } from './pages/evaluation-detail.page';
import { JobDetailPage } from './pages/job-detail.page';
import { ModelDetailPage } from './pages/model-detail.page';
import { NewEvaluationPage } from './pages/new-evaluation.page';
import { NewJobPage } from './pages/new-job.page';
import { registerAndSignIn, uniqueEmail } from './support';

const NUMBER = /^-?\d+\.\d{3}$/;
const numberIn = async (cell: Locator) => Number((await cell.textContent())!.trim());

test('a user builds a median consensus, then runs it on one molecule and on a small screen', async ({ page }) => {
  test.setTimeout(240_000);
  await registerAndSignIn(page, uniqueEmail('consensus'));

  await page.getByTestId('build-consensus-link').click();
  const form = new ConsensusFormPage(page);
  await expect(form.root).toBeVisible();
  const slug = await form.basics({ name: `logS median ${randomBytes(3).toString('hex')}`, task: 'property/solubility' });
  await form.member(0, { model: 'ocl-properties', ref: '1', field: 'logS' });
  await form.member(1, { model: 'esol-solubility', ref: '1', field: 'logS' });
  await form.strategy.selectOption('median');
  await expect(form.strategyDescription).not.toBeEmpty();
  await form.quorum.fill('2');
  await form.outputField.fill('logS');
  await form.createTestAndPublish(slug);

  const model = new ModelDetailPage(page);
  await expect(model.publishedBanner).toContainText('v1 is published');
  await model.predict('c1ccccc1O');
  await expect(model.consensusValue).toHaveText(NUMBER, { timeout: 60_000 });
  const members = ['ocl-properties', 'esol-solubility'];
  for (const key of members) await expect(model.consensusMember(key)).toHaveText(NUMBER);
  await expect(model.consensusSpread).toContainText(/σ \d+\.\d{3} · range \d+\.\d{3}/);
  // The median of two members is their mean.
  const [a, b] = await Promise.all(members.map((k) => numberIn(model.consensusMember(k))));
  expect(Math.abs((await numberIn(model.consensusValue)) - (a + b) / 2)).toBeLessThan(0.002);

  const newJob = new NewJobPage(page);
  await newJob.goto(slug);
  await expect(newJob.model).toHaveValue(slug);
  await newJob.smiles.fill(['CCO', 'c1ccccc1O', 'C1CC('].join('\n'));
  await expect(newJob.count).toContainText('3 molecules');
  await newJob.submitJob();

  const job = new JobDetailPage(page);
  await expect(job.status).toHaveText('succeeded', { timeout: 120_000 });
  await expect(job.rows()).toHaveCount(3);
  // Each member ran as its own job, and the job page shows their progress.
  await expect(page.getByTestId('job-member')).toHaveCount(members.length);
  for (const key of members) await expect(page.getByTestId(`job-member-status-${key}`)).toHaveText('succeeded');
  for (const key of members) await expect(job.memberColumn(key)).toBeVisible();
  for (const row of await job.rows('succeeded').all()) {
    await expect(row.getByTestId('result-value-logS')).toHaveText(NUMBER);
    for (const key of members) await expect(row.getByTestId(`result-member-${key}`)).toHaveText(NUMBER);
    await expect(row.getByTestId('result-spread')).toHaveText(NUMBER);
  }
  const failed = job.rows('failed');
  await expect(failed).toHaveCount(1);
  await expect(failed.getByTestId('result-error-code')).toHaveText('INVALID_INPUT');
  await expect(failed.getByTestId('result-error-message')).toContainText('SMILES');
});

// The reference data lives beside the checkout (../shared/data), never in it; CI has it there.
const HUUSKONEN = path.resolve(process.cwd(), '../shared/data/huuskonen-solubility-train.csv');

test('an evaluation of logS-consensus on the Huuskonen set scores the consensus and every member', async ({ page }) => {
  test.skip(!existsSync(HUUSKONEN), `needs ${HUUSKONEN}`);
  test.setTimeout(900_000);
  await registerAndSignIn(page, uniqueEmail('evaluation'));

  await new AppNav(page).evaluations();
  await page.getByTestId('evaluations-new').click();
  const form = new NewEvaluationPage(page);
  await expect(form.model).toBeEnabled();
  await form.model.selectOption('logS-consensus');
  await expect(form.modelKind).toContainText('Consensus');
  await form.chooseDataset(/Huuskonen/);
  await form.start();

  const evaluation = new EvaluationDetailPage(page);
  await expect(evaluation.progress).toBeVisible();
  await expect(evaluation.status).toHaveText('succeeded', { timeout: 180_000 });
  // The built-in's latest version: OCL, ESOL and the trained logS-gbm (models/logS-consensus/model.json).
  await expect(evaluation.metricRows('consensus')).toHaveCount(1);
  await expect(evaluation.metricRows('member')).toHaveCount(3);
  await expect(evaluation.metricRows()).toHaveCount(4);
  for (const row of await evaluation.metricRows().all()) {
    await expect(row.getByTestId('metric-rmse')).toHaveText(/^\d+\.\d{3}/);
    expect(Number.isFinite(Number.parseFloat((await row.getByTestId('metric-rmse').textContent())!))).toBe(true);
    await expect(row.getByTestId('metric-n')).toHaveText(/^1\D?0\d\d$/);
  }

  await expect(evaluation.plot).toBeVisible();
  await expect.poll(() => evaluation.points.count()).toBeGreaterThanOrEqual(1000);
  await evaluation.toggleMember('esol');
  await expect.poll(() => evaluation.memberPoints.count()).toBeGreaterThanOrEqual(1000);

  // Cross-validated by default (5 folds): the in-sample table says so, and the out-of-fold table
  // appears once logS-gbm has been retrained on each fold by the worker.
  await expect(page.getByTestId('metrics-in-sample')).toHaveText('in-sample');
  // logS-consensus@2 states an uncertainty with each result; the page checks it on these molecules.
  await expect(page.getByTestId('stated-calibration-coverage')).toHaveText(/^\d+\.\d%$/);
  const cv = page.getByTestId('cv-card');
  await expect(cv).toBeVisible();
  await expect(cv.getByTestId('cv-row')).toHaveCount(4, { timeout: 400_000 });
  for (const rmse of await cv.getByTestId('cv-rmse').all()) await expect(rmse).toHaveText(/^\d+\.\d{3} \[\d+\.\d{3}, \d+\.\d{3}\]$/);
  await expect(cv.getByTestId('cv-vs-best-interval')).toHaveText(/^-?\d+\.\d{3} \[-?\d+\.\d{3}, -?\d+\.\d{3}\]$/);
  await expect(cv.getByTestId('cv-calibration-coverage')).toHaveText(/^\d+\.\d%$/);
});
