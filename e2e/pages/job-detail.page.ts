import type { Download, Locator, Page } from '@playwright/test';

export class JobDetailPage {
  readonly status: Locator;
  readonly done: Locator;
  readonly failed: Locator;
  readonly total: Locator;
  readonly tasks: Locator;
  readonly progress: Locator;
  readonly results: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId('job-status');
    this.done = page.getByTestId('job-count-done');
    this.failed = page.getByTestId('job-count-failed');
    this.total = page.getByTestId('job-count-total');
    this.tasks = page.getByTestId('job-tasks');
    this.progress = page.getByTestId('job-progress');
    this.results = page.getByTestId('results-table');
  }

  rows(status?: 'succeeded' | 'failed'): Locator {
    return this.results.locator(status ? `tbody tr[data-status="${status}"]` : 'tbody tr');
  }

  /** The header of a consensus member's column. */
  memberColumn(key: string): Locator {
    return this.results.getByTestId(`results-col-member-${key}`);
  }

  filter(which: 'all' | 'succeeded' | 'failed') {
    return this.page.getByTestId(`results-filter-${which}`).click();
  }

  /** The sort button in an output column's heading (one click ascending, two descending). */
  sortBy(field: string): Locator {
    return this.results.getByTestId(`results-sort-${field}`);
  }

  get next(): Locator {
    return this.page.getByTestId('results-next');
  }

  /** Clicks "Download CSV" or "Download SDF" and waits for the browser's download. */
  async download(format: 'csv' | 'sdf'): Promise<Download> {
    const started = this.page.waitForEvent('download');
    await this.page.getByTestId(`download-${format}`).click();
    return started;
  }
}
