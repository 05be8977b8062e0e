import { expect, type Locator, type Page } from '@playwright/test';

export class NewJobPage {
  readonly model: Locator;
  readonly smiles: Locator;
  readonly count: Locator;
  readonly label: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.model = page.getByTestId('newjob-model');
    this.smiles = page.getByTestId('newjob-smiles');
    this.count = page.getByTestId('newjob-count');
    this.label = page.getByTestId('newjob-label');
    this.submit = page.getByTestId('newjob-submit');
  }

  async goto(model?: string) {
    await this.page.goto(model ? `/jobs/new?model=${encodeURIComponent(model)}` : '/jobs/new');
    await expect(this.model).toBeEnabled();
  }

  /** Submits and returns the new job's id, read from the URL it navigates to. */
  async submitJob(): Promise<string> {
    await this.submit.click();
    await expect(this.page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    return this.page.url().split('/').pop()!;
  }
}
