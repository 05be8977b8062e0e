import { expect, type Locator, type Page } from '@playwright/test';

export class ModelDetailPage {
  readonly smiles: Locator;
  readonly submit: Locator;
  readonly output: Locator;
  readonly molecule: Locator;
  readonly latency: Locator;
  readonly canonical: Locator;
  readonly errorCode: Locator;
  readonly errorMessage: Locator;
  readonly versionPicker: Locator;
  readonly publishedBanner: Locator;
  readonly usage: Locator;
  readonly consensus: Locator;
  readonly consensusValue: Locator;
  readonly consensusSpread: Locator;

  constructor(readonly page: Page) {
    this.smiles = page.getByTestId('tryit-field-smiles');
    this.submit = page.getByTestId('tryit-submit');
    this.output = page.getByTestId('prediction-output');
    this.molecule = page.getByTestId('prediction-molecule');
    this.latency = page.getByTestId('prediction-latency');
    this.canonical = page.getByTestId('prediction-canonical');
    this.errorCode = page.getByTestId('prediction-error-code');
    this.errorMessage = page.getByTestId('prediction-error-message');
    this.versionPicker = page.getByTestId('tryit-version');
    this.publishedBanner = page.getByTestId('model-published-banner');
    this.usage = page.getByTestId('usage-card');
    this.consensus = page.getByTestId('consensus');
    this.consensusValue = page.getByTestId('consensus-value');
    this.consensusSpread = page.getByTestId('consensus-spread');
  }

  async predict(smiles: string) {
    await this.smiles.fill(smiles);
    await expect(this.submit).toBeEnabled();
    await this.submit.click();
  }

  value(field: string): Locator {
    return this.page.getByTestId(`prediction-value-${field}`);
  }

  /** A member's value in a consensus answer (or why it gave none). */
  consensusMember(key: string): Locator {
    return this.page.getByTestId(`consensus-member-value-${key}`);
  }

  alias(name: string): Locator {
    return this.page.getByTestId(`model-alias-${name}`);
  }
}
