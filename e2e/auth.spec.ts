import { expect, test } from '@playwright/test';
import { AppNav } from './pages/app-nav';
import { SettingsPage } from './pages/settings.page';
import { SignInPage } from './pages/sign-in.page';
import { PASSWORD, registerAndSignIn, uniqueEmail } from './support';

test.describe.serial('authentication', () => {
  const email = uniqueEmail('auth');

  test('creating an account signs you in', async ({ page }) => {
    await registerAndSignIn(page, email);
    const settings = new SettingsPage(page);
    await new AppNav(page).settings();
    await expect(settings.email).toHaveText(email);
    // The admin was made with the set-up token (e2e/global-setup.ts); open sign-up makes members.
    await expect(settings.role).toHaveText('member');
  });

  test('signing out returns to the sign-in page and ends the session', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(email, PASSWORD);
    await expect(new AppNav(page).userEmail).toHaveText(email);

    const settings = new SettingsPage(page);
    await settings.goto();
    await settings.signOut.click();
    await expect(page).toHaveURL(/\/signin/);
    await page.goto('/jobs');
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fjobs/);
  });

  test('a wrong password shows an error and stays on the sign-in page', async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(email, 'not-the-password');
    await expect(signIn.error).toBeVisible();
    await expect(signIn.error).toContainText(/wrong email or password/i);
    await expect(page).toHaveURL(/\/signin/);
  });

  test('a page visited signed out redirects to /signin and back after signing in', async ({ page }) => {
    await page.goto('/jobs/new');
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fjobs%2Fnew$/);
    const signIn = new SignInPage(page);
    await signIn.signIn(email, PASSWORD);
    await expect(page).toHaveURL(/\/jobs\/new$/);
    await expect(page.getByTestId('newjob-form')).toBeVisible();
  });

  test('the API refuses a call without a session or token', async ({ request }) => {
    const res = await request.post('/api/trpc/jobs.create', {
      data: { model: 'esol-solubility', inputs: [{ smiles: 'CCO' }] },
    });
    expect(res.status()).toBe(401);
    expect(await res.text()).toMatch(/sign in|token/i);
  });
});
