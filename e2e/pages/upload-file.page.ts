import { expect, type Locator, type Page } from '@playwright/test';

/** "Upload a file" on the new-job page (src/features/uploads/upload-file.tsx). */
export class UploadFilePanel {
  readonly input: Locator;
  readonly preview: Locator;
  readonly badRows: Locator;
  readonly estimate: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId('upload-file-input');
    this.preview = page.getByTestId('upload-preview');
    this.badRows = page.getByTestId('upload-bad-rows');
    this.estimate = page.getByTestId('upload-estimate');
    this.submit = page.getByTestId('upload-submit');
    this.error = page.getByTestId('upload-error');
  }

  /** Chooses a file made of `content`; the browser streams it to POST /api/uploads. */
  async choose(name: string, content: string | Buffer) {
    await this.input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.isBuffer(content) ? content : Buffer.from(content) });
  }

  /** Runs the screen and returns the new job's id, read from the URL it navigates to. */
  async run(): Promise<string> {
    await this.submit.click();
    await expect(this.page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    return this.page.url().split('/').pop()!;
  }
}
