import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SettingsPage } from './pages/settings.page';
import { registerAndSignIn, uniqueEmail } from './support';

function runNode(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, { cwd: path.resolve(import.meta.dirname, '..'), env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a token made in the UI drives the typed SDK from another process', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await registerAndSignIn(page, uniqueEmail('sdk'));
  const settings = new SettingsPage(page);
  await settings.goto();
  const token = await settings.createToken('sdk e2e');

  const run = await runNode(['tsx', 'e2e/sdk-client.ts'], { GATEWAY_URL: baseURL!, GATEWAY_TOKEN: token });
  expect(run.code, `sdk-client failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
  expect(summary).toMatchObject({ ok: true, jobStatus: 'succeeded', results: 20, unauthorizedCode: 'UNAUTHORIZED' });

  // The token list records that the token was used.
  await page.reload();
  await expect(page.getByTestId('tokens-table').locator('tr[data-name="sdk e2e"]')).not.toContainText('never');
});
