import { expect, type Locator, type Page } from '@playwright/test';

export class SignInPage {
  readonly email: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByTestId('signin-email');
    this.password = page.getByTestId('signin-password');
    this.submit = page.getByTestId('signin-submit');
    this.error = page.getByTestId('signin-error');
  }

  async goto() {
    await this.page.goto('/signin');
    await expect(this.page.getByTestId('signin-heading')).toBeVisible();
  }

  async signIn(email: string, password: string) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submit.click();
  }

  async register(email: string, password: string, name?: string) {
    await this.page.getByTestId('signin-show-register').click();
    await expect(this.page.getByTestId('signin-heading')).toHaveText('Create your account');
    if (name) await this.page.getByTestId('signin-name').fill(name);
    await this.signIn(email, password);
  }
}
