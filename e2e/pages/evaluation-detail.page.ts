import type { Locator, Page } from '@playwright/test';

/** An evaluation at /evaluations/<id>: progress, metrics, parity plot, fits. */
export class EvaluationDetailPage {
  readonly status: Locator;
  readonly progress: Locator;
  readonly metrics: Locator;
  readonly plot: Locator;
  readonly points: Locator;
  readonly memberPoints: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('evaluation-status');
    this.progress = page.getByTestId('evaluation-progress');
    this.metrics = page.getByTestId('metrics-table');
    this.plot = page.getByTestId('parity-plot');
    this.points = this.plot.getByTestId('parity-point');
    this.memberPoints = this.plot.getByTestId('parity-member-point');
  }

  metricRows(role?: 'consensus' | 'model' | 'member'): Locator {
    return this.metrics.locator(role ? `[data-testid="metrics-row"][data-role="${role}"]` : '[data-testid="metrics-row"]');
  }

  toggleMember(key: string) {
    return this.page.getByTestId(`parity-toggle-${key}`).click();
  }
}
