import type { Locator, Page } from '@playwright/test';

/** The top navigation shown on every signed-in page. */
export class AppNav {
  readonly userEmail: Locator;

  constructor(readonly page: Page) {
    this.userEmail = page.getByTestId('nav-user-email');
  }

  models = () => this.page.getByTestId('nav-models').click();
  registerModel = () => this.page.getByTestId('nav-register-model').click();
  jobs = () => this.page.getByTestId('nav-jobs').click();
  newJob = () => this.page.getByTestId('nav-new-job').click();
  evaluations = () => this.page.getByTestId('nav-evaluations').click();
  settings = () => this.page.getByTestId('nav-settings').click();
}
