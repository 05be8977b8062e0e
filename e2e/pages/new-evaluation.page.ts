import { expect, type Locator, type Page } from '@playwright/test';

/** The form at /evaluations/new. */
export class NewEvaluationPage {
  readonly model: Locator;
  readonly modelKind: Locator;
  readonly dataset: Locator;
  readonly outputField: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.model = page.getByTestId('evaluation-model');
    this.modelKind = page.getByTestId('evaluation-model-kind');
    this.dataset = page.getByTestId('evaluation-dataset');
    this.outputField = page.getByTestId('evaluation-output-field');
    this.submit = page.getByTestId('evaluation-submit');
  }

  async goto() {
    await this.page.goto('/evaluations/new');
    await expect(this.model).toBeEnabled();
  }

  /** Chooses the dataset whose label matches, e.g. /Huuskonen/. */
  async chooseDataset(label: RegExp) {
    const option = this.dataset.locator('option').filter({ hasText: label });
    await expect(option).toHaveCount(1);
    await this.dataset.selectOption((await option.getAttribute('value'))!);
  }

  /** Starts the evaluation and returns its id, read from the page it lands on. */
  async start(): Promise<string> {
    await this.submit.click();
    await expect(this.page).toHaveURL(/\/evaluations\/[0-9a-f-]{36}$/);
    return this.page.url().split('/').pop()!;
  }
}
