/**
 * Runs once after the web servers are up (Playwright starts `webServer` before `globalSetup`).
 * A new gateway accepts its first account only with the one-time set-up token `npm start` wrote to
 * its data folder; this creates that admin account through the real sign-up, as an operator would,
 * and leaves its credentials where specs that need an admin read them (`e2eAdmin()` in support.ts).
 * Every other spec signs up ordinary members: the e2e server runs with open sign-up.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const ADMIN_FILE = 'e2e-admin.json';

export default async function globalSetup(): Promise<void> {
  const dataDir = process.env.E2E_DATA_DIR!;
  const baseURL = process.env.E2E_BASE_URL!;
  const setupToken = (await fs.readFile(path.join(dataDir, 'setup-token'), 'utf8')).trim();
  const admin = { email: 'admin@e2e.example.com', password: 'correct-horse-battery-admin' };
  const res = await fetch(`${baseURL}/api/trpc/me.register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseURL },
    body: JSON.stringify({ ...admin, setupToken }),
  });
  if (!res.ok) throw new Error(`creating the e2e admin with the set-up token failed: ${res.status} ${await res.text()}`);
  await fs.writeFile(path.join(dataDir, ADMIN_FILE), JSON.stringify(admin), { mode: 0o600 });
}
