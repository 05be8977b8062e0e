import { expect, test, type Page } from '@playwright/test';
import initRDKitModule from '@rdkit/rdkit';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseCsv, parseSdf } from '../test/csv';
import { JobDetailPage } from './pages/job-detail.page';
import { NewJobPage } from './pages/new-job.page';
import { registerAndSignIn, uniqueEmail } from './support';

// The reference data lives beside the checkout (../shared/data), never in it.
const HUUSKONEN = path.resolve(process.cwd(), '../shared/data/huuskonen-solubility-train.csv');
const N = 1000;
const LIBRARY = readFileSync(HUUSKONEN, 'utf8')
  .trim()
  .split('\n')
  .slice(1, N + 1)
  .map((line, i) => ({ id: `HK-${String(i + 1).padStart(4, '0')}`, smiles: line.split(',')[0] }));

/** An SDF of the library: each record's title and `id` field name the molecule. */
async function librarySdf(): Promise<string> {
  const rdkit = await (initRDKitModule as unknown as () => Promise<{ get_mol: (s: string) => { get_molblock: () => string; delete: () => void } | null }>)();
  return LIBRARY.map(({ id, smiles }) => {
    const mol = rdkit.get_mol(smiles)!;
    try {
      const lines = mol.get_molblock().split('\n');
      lines[0] = id;
      return `${lines.join('\n').replace(/\n*$/, '\n')}> <id>\n${id}\n\n$$$$\n`;
    } finally {
      mol.delete();
    }
  }).join('');
}

/**
 * On a finished job's page: sorts by an output field (descending), checks the table follows, then
 * downloads the CSV and the SDF under that sort and reads both back.
 */
async function sortAndDownload(page: Page, o: { field: string; ids: boolean }) {
  const job = new JobDetailPage(page);
  const current = () => expect(job.results).toHaveAttribute('data-state', 'current');
  await job.sortBy(o.field).click();
  await expect(job.results).toHaveAttribute('data-sort', `${o.field}:asc`);
  await current();
  await job.sortBy(o.field).click();
  await expect(job.results).toHaveAttribute('data-sort', `${o.field}:desc`);
  await current();
  const shown = async () => Promise.all((await job.rows('succeeded').getByTestId(`result-value-${o.field}`).allTextContents()).map((t) => Number.parseFloat(t)));
  const firstPage = await shown();
  expect(firstPage.length).toBeGreaterThan(1);
  expect(firstPage).toEqual([...firstPage].sort((a, b) => b - a));
  await job.next.click();
  await expect(job.page.getByTestId('results-pagination-range')).toContainText(/^51/);
  await current();
  expect((await shown())[0]).toBeLessThanOrEqual(firstPage[firstPage.length - 1]);

  const csvFile = await (await job.download('csv')).path();
  const [head, ...rows] = parseCsv(await readFile(csvFile, 'utf8'));
  expect(head.slice(0, 4)).toEqual(['index', 'id', 'smiles', 'status']);
  expect(head).toContain(o.field);
  expect(rows).toHaveLength(N);
  expect(new Set(rows.map((r) => r[0])).size).toBe(N);
  const values = rows.filter((r) => r[3] === 'succeeded').map((r) => Number(r[head.indexOf(o.field)]));
  expect(values).toEqual([...values].sort((a, b) => b - a));
  if (o.ids) expect(rows.every((r) => /^HK-\d{4}$/.test(r[1]))).toBe(true);

  const sdfFile = await (await job.download('sdf')).path();
  const records = parseSdf(await readFile(sdfFile, 'utf8'));
  expect(records).toHaveLength(N);
  expect(records.map((r) => r.data.index)).toEqual(rows.map((r) => r[0]));
  if (o.ids) expect(records.every((r) => /^HK-\d{4}$/.test(r.title) && r.data.id === r.title)).toBe(true);
  else expect(records.every((r) => r.title === r.data.index)).toBe(true);
  expect(records.filter((r) => r.data.status === 'succeeded').every((r) => /M {2}END/.test(r.molblock) && r.data[o.field] !== undefined)).toBe(true);
}

test('a 1,000-molecule SDF is uploaded, estimated and screened; its results are sorted and downloaded as CSV and SDF', async ({ page }) => {
  test.setTimeout(600_000);
  await registerAndSignIn(page, uniqueEmail('screening'));
  const file = path.join(os.tmpdir(), `screening-${Date.now()}.sdf`);
  await writeFile(file, await librarySdf());

  const form = new NewJobPage(page);
  await form.goto('ocl-properties');
  await page.getByTestId('upload-file-input').setInputFiles(file);
  await expect(page.getByTestId('upload-preview')).toContainText('HK-0001');
  await expect(page.getByTestId('upload-estimate')).toContainText(/1,?000/);
  await expect(page.getByTestId('upload-bad-rows')).toHaveCount(0);
  await page.getByTestId('upload-submit').click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/, { timeout: 120_000 });

  const job = new JobDetailPage(page);
  await expect(job.total).toHaveText(/1,?000/);
  await expect(job.status).toHaveText('succeeded', { timeout: 480_000 });
  await sortAndDownload(page, { field: 'logP', ids: true });
});

test('a 1,000-molecule screen from the form is sorted by an output field and downloaded as CSV and SDF', async ({ page }) => {
  test.setTimeout(600_000);
  await registerAndSignIn(page, uniqueEmail('screening-form'));
  const form = new NewJobPage(page);
  await form.goto();
  await form.model.selectOption('ocl-properties');
  await form.smiles.fill(LIBRARY.map((m) => m.smiles).join('\n'));
  await expect(form.count).toContainText(/1,?000 molecules/);
  await expect(page.getByTestId('newjob-estimate')).toBeVisible();
  await form.submitJob();

  const job = new JobDetailPage(page);
  await expect(job.status).toHaveText('succeeded', { timeout: 480_000 });
  await sortAndDownload(page, { field: 'logP', ids: false });
});
