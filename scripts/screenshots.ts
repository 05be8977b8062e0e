/**
 * Screenshots of the main pages for the README, from a running gateway with a fresh database:
 *   BASE_URL=http://127.0.0.1:3000 npx tsx scripts/screenshots.ts   (writes docs/screenshots/)
 */
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const out = process.env.OUT_DIR ?? 'docs/screenshots';
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${base}/signin`);
await page.screenshot({ path: `${out}/signin.png` });
await page.getByRole('button', { name: /create an account/i }).first().click().catch(() => {});
await page.locator('input[type=email]').fill('admin@example.com');
await page.locator('input[type=password]').first().fill('password1234');
await page.locator('form button[type=submit]').click();
await page.waitForURL(/models/);
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}/models.png` });
await page.goto(`${base}/models/esol-solubility`);
await page.waitForTimeout(1500);
await page.getByTestId('tryit-submit').click();
await page.waitForTimeout(2000);
await page.screenshot({ path: `${out}/model.png`, fullPage: true });
await page.goto(`${base}/jobs/new?model=esol-solubility`);
await page.waitForTimeout(1000);
await page.locator('textarea').fill(['CCO', 'c1ccccc1', 'C1CC(', 'CC(=O)Oc1ccccc1C(=O)O', 'CN1C=NC2=C1C(=O)N(C(=O)N2C)C'].join('\n'));
await page.screenshot({ path: `${out}/newjob.png` });
await page.locator('form button[type=submit]').click();
await page.waitForURL(/jobs\/[0-9a-f-]{36}/);
await page.waitForTimeout(3000);
await page.screenshot({ path: `${out}/job.png`, fullPage: true });
await page.goto(`${base}/settings`);
await page.waitForTimeout(1000);
await page.screenshot({ path: `${out}/settings.png` });
await browser.close();
