import { expect, type Locator, type Page } from '@playwright/test';

/** The agent's panel, opened from the top navigation on any signed-in page. */
export class AgentPanel {
  readonly toggle: Locator;
  readonly panel: Locator;
  readonly chat: Locator;
  readonly input: Locator;
  readonly send: Locator;
  readonly stop: Locator;
  readonly assistantTexts: Locator;
  readonly approvals: Locator;
  readonly approve: Locator;
  readonly jobCards: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.toggle = page.getByTestId('nav-agent');
    this.panel = page.getByTestId('agent-panel');
    this.chat = page.getByTestId('agent-chat');
    this.input = page.getByTestId('agent-input');
    this.send = page.getByTestId('agent-send');
    this.stop = page.getByTestId('agent-stop');
    this.assistantTexts = page.getByTestId('agent-text-assistant');
    this.approvals = page.getByTestId('agent-approval');
    this.approve = page.getByTestId('agent-approve');
    this.jobCards = page.getByTestId('agent-job-card');
    this.summary = page.getByTestId('agent-summary');
  }

  async open() {
    if (!(await this.panel.isVisible())) await this.toggle.click();
    await expect(this.chat).toBeVisible();
  }

  async ask(text: string) {
    await this.input.fill(text);
    await this.send.click();
  }

  approval(tool: string): Locator {
    return this.approvals.and(this.page.locator(`[data-tool="${tool}"]`));
  }
}
