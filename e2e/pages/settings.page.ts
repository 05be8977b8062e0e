import { expect, type Locator, type Page } from '@playwright/test';

export class SettingsPage {
  readonly email: Locator;
  readonly role: Locator;
  readonly signOut: Locator;
  readonly tokenName: Locator;
  readonly tokenValue: Locator;

  constructor(readonly page: Page) {
    this.email = page.getByTestId('settings-email');
    this.role = page.getByTestId('settings-role');
    this.signOut = page.getByTestId('signout-button');
    this.tokenName = page.getByTestId('token-name');
    this.tokenValue = page.getByTestId('token-value');
  }

  async goto() {
    await this.page.goto('/settings');
    await expect(this.signOut).toBeVisible();
  }

  /** Creates a token and returns it as the page shows it, once. */
  async createToken(name: string): Promise<string> {
    await this.tokenName.fill(name);
    await this.page.getByTestId('token-create').click();
    await expect(this.tokenValue).toHaveText(/^mgw_\S{20,}$/);
    await expect(this.page.getByTestId('tokens-table').locator(`tr[data-name="${name}"]`)).toBeVisible();
    return (await this.tokenValue.textContent())!.trim();
  }
}
