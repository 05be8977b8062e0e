import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { startHttpModelServer, type HttpModelServer } from '../test/fixtures/http-model-server';
import { SignInPage } from './pages/sign-in.page';
import { e2eAdmin, registerAndSignIn, uniqueEmail } from './support';

// One story across two browsers: the admin sets a quota and works the console; a member runs into it.
test.describe.configure({ mode: 'serial' });

let server: HttpModelServer;
test.beforeAll(async () => {
  server = await startHttpModelServer({ port: 0 });
});
test.afterAll(async () => server?.close());

async function trpcPost(page: Page, proc: string, input: unknown) {
  const res = await page.request.post(`/api/trpc/${proc}`, { data: input, headers: { 'content-type': 'application/json' } });
  const body = await res.json();
  if (!res.ok()) throw new Error(`${proc}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result.data;
}

test('an admin sets a quota a member is refused by, retries a dead-lettered task from the console, and finds both in the audit log and its CSV', async ({ browser }) => {
  test.setTimeout(300_000);
  const adminPage = await (await browser.newContext()).newPage();
  const memberPage = await (await browser.newContext()).newPage();
  const admin = e2eAdmin();
  const slug = `flaky-http-${Date.now().toString(36)}`;

  const signIn = new SignInPage(adminPage);
  await signIn.goto();
  await signIn.signIn(admin.email, admin.password);
  await expect(adminPage).toHaveURL(/\/models$/);

  // A member registers a model served over HTTP (its smoke test passes: the server is healthy).
  const member = uniqueEmail('quota-member');
  await registerAndSignIn(memberPage, member);
  const registered = await trpcPost(memberPage, 'models.registerManifest', {
    publish: true,
    aliases: [],
    manifest: {
      slug,
      name: 'Flaky SMILES length',
      version: 1,
      task: 'test/http',
      runtime: { kind: 'http', url: server.url, protocol: 'oip-v2', model: 'smiles-length' },
      inputSchema: { type: 'object', properties: { smiles: { type: 'string', format: 'smiles' } }, required: ['smiles'] },
      outputSchema: { type: 'object', properties: { length: { type: 'integer' }, heavy: { type: 'integer' } }, required: ['length', 'heavy'] },
      example: { smiles: 'CCO' },
      batchSize: 10,
      timeoutMs: 5000,
    },
  });
  expect(registered.outcome).toBe('published');

  // The admin gives the member 3 items a day (the smoke test of registration was one).
  await adminPage.goto('/admin/quotas');
  const row = adminPage.locator(`[data-testid="quotas-row"][data-email="${member}"]`);
  await row.getByTestId('quotas-row-edit').click();
  await row.getByTestId('quota-itemsPerDay').fill('3');
  await row.getByTestId('quota-save').click();
  await expect(row.getByTestId('quotas-row-limits')).toContainText('Items per day 3');

  // Three molecules are over it: refused whole, with the limit, the usage and the reset shown.
  await memberPage.goto('/jobs/new');
  await memberPage.getByTestId('newjob-model').selectOption(slug);
  await memberPage.getByTestId('newjob-smiles').fill('CCO\nCCN\nCCC');
  await expect(memberPage.getByTestId('newjob-estimate')).toBeVisible();
  await expect(memberPage.getByTestId('newjob-quota')).toContainText('1 of 3 items today');
  await memberPage.getByTestId('newjob-submit').click();
  await expect(memberPage.getByTestId('newjob-error-code')).toHaveText('QUOTA_EXCEEDED');
  await expect(memberPage.getByTestId('newjob-error-message')).toContainText('1 of 3 items per day are used today, and this job has 3; the count resets at');
  await expect(memberPage).toHaveURL(/\/jobs\/new$/);

  // Two fit. The model server answers 500 to every attempt: the queue gives up on the task.
  // Molecules the registration's smoke test did not run, or the result cache would answer one.
  for (let i = 0; i < 4; i++) server.failNext('500');
  await memberPage.getByTestId('newjob-smiles').fill('CCCl\nCCBr');
  await memberPage.getByTestId('newjob-submit').click();
  await expect(memberPage).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  const jobUrl = memberPage.url();
  await expect(memberPage.getByTestId('job-status')).toHaveText(/failed/i, { timeout: 120_000 });

  // The admin sees it dead-lettered and retries it; the job then ends with its results.
  await adminPage.goto('/admin/operations');
  await expect(adminPage.locator('[data-testid="ops-worker-row"][data-state="alive"]').first()).toBeVisible();
  await expect(adminPage.locator('[data-testid="ops-queue-row"][data-queue="task.run"]')).toBeVisible();
  const dead = adminPage.locator(`[data-testid="ops-dead-row"][data-model="${slug}@1"]`);
  await expect(dead).toBeVisible({ timeout: 30_000 });
  await expect(dead).toContainText(member);
  await dead.getByTestId('ops-dead-retry').click();
  await expect(adminPage.getByTestId('ops-retry-done')).toContainText('2 items reopened');
  await expect(dead).toHaveCount(0);

  await memberPage.goto(jobUrl);
  await expect(memberPage.getByTestId('job-status')).toHaveText(/succeeded/i, { timeout: 120_000 });

  // The audit log has both, with who and the channel; the CSV export holds what is filtered.
  await adminPage.goto('/admin/audit');
  await adminPage.getByTestId('audit-actor').fill(admin.email);
  await expect(adminPage.locator('[data-testid="audit-row"][data-action="task.retry"]')).toHaveCount(1);
  await expect(adminPage.locator('[data-testid="audit-row"][data-action="quota.update"]').first()).toContainText('ui');
  await adminPage.getByTestId('audit-action').fill('task.retry');
  await expect(adminPage.getByTestId('audit-total')).toHaveText('1 entries');
  await adminPage.getByTestId('audit-action').fill('');
  await expect(adminPage.locator('[data-testid="audit-row"][data-action="quota.update"]').first()).toBeVisible();
  const download = adminPage.waitForEvent('download');
  await adminPage.getByTestId('audit-export').click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^seq,at,actorEmail,/);
  expect(lines.some((l) => l.includes(',task.retry,task,'))).toBe(true);
  expect(lines.some((l) => l.includes(',quota.update,quota,') && l.includes(admin.email))).toBe(true);

  // A member gets no console.
  await memberPage.goto('/admin/operations');
  await expect(memberPage.getByTestId('admin-forbidden')).toContainText('FORBIDDEN');
});
