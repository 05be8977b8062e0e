import { expect, type Locator, type Page } from '@playwright/test';

/** The webhooks panel: on a job page, or in settings for a token. */
export class WebhooksPanel {
  readonly url: Locator;
  readonly create: Locator;
  readonly secret: Locator;
  readonly deliveries: Locator;

  constructor(readonly page: Page) {
    this.url = page.getByTestId('webhook-url');
    this.create = page.getByTestId('webhook-create');
    this.secret = page.getByTestId('webhook-secret');
    this.deliveries = page.getByTestId('webhook-deliveries');
  }

  /** Adds a webhook for `url` and returns its secret, as the page shows it once. */
  async add(url: string): Promise<string> {
    await this.url.fill(url);
    await this.create.click();
    await expect(this.secret).toHaveText(/^whsec_\S{20,}$/);
    return (await this.secret.textContent())!.trim();
  }

  delivery(event: string): Locator {
    return this.deliveries.locator(`tbody tr[data-event="${event}"]`);
  }
}
