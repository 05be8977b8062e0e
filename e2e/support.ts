import { expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppNav } from './pages/app-nav';
import { SignInPage } from './pages/sign-in.page';

export const PASSWORD = 'correct-horse-battery';

/** An address no earlier run (or other spec) has used. */
export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}@e2e.example.com`;
}

/** Creates an account through the sign-in page and waits until the app shows it signed in. */
export async function registerAndSignIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.register(email, password);
  await expect(page).toHaveURL(/\/models$/);
  await expect(new AppNav(page).userEmail).toHaveText(email);
}

/** The admin account e2e/global-setup.ts created with the set-up token. */
export function e2eAdmin(): { email: string; password: string } {
  return JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, 'e2e-admin.json'), 'utf8'));
}
