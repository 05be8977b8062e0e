import { expect, type Locator, type Page } from '@playwright/test';

export class ModelsPage {
  readonly grid: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    this.grid = page.getByTestId('models-grid');
    this.search = page.getByTestId('models-search');
  }

  async goto() {
    await this.page.goto('/models');
    await expect(this.grid).toBeVisible();
  }

  card(slug: string): Locator {
    return this.page.getByTestId(`model-card-${slug}`);
  }

  async open(slug: string) {
    await this.card(slug).click();
    await expect(this.page).toHaveURL(new RegExp(`/models/${slug}$`));
    await expect(this.page.getByTestId('model-slug')).toHaveText(slug);
  }
}
