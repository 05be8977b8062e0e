import { expect, type Locator, type Page } from '@playwright/test';

export interface MemberChoice {
  model: string;
  /** An alias or a version number: the part after `slug@`. */
  ref: string;
  field: string;
  name?: string;
  weight?: string;
}

/** The consensus builder at /models/new/consensus. */
export class ConsensusFormPage {
  readonly root: Locator;
  readonly strategy: Locator;
  readonly strategyDescription: Locator;
  readonly quorum: Locator;
  readonly outputField: Locator;
  readonly submit: Locator;
  readonly progress: Locator;
  readonly problems: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('consensus-form');
    this.strategy = page.getByTestId('consensus-strategy');
    this.strategyDescription = page.getByTestId('consensus-strategy-description');
    this.quorum = page.getByTestId('consensus-quorum');
    this.outputField = page.getByTestId('consensus-output-field');
    this.submit = page.getByTestId('consensus-submit');
    this.progress = page.getByTestId('consensus-progress');
    this.problems = page.getByTestId('consensus-problems');
  }

  async goto() {
    await this.page.goto('/models/new/consensus');
    await expect(this.root).toBeVisible();
  }

  /** Fills name and task; returns the slug derived from the name. */
  async basics(b: { name: string; task: string; description?: string; example?: string }): Promise<string> {
    await this.page.getByTestId('consensus-name').fill(b.name);
    await this.page.getByTestId('consensus-task').fill(b.task);
    if (b.description) await this.page.getByTestId('consensus-description').fill(b.description);
    if (b.example) await this.page.getByTestId('consensus-example').fill(b.example);
    return this.page.getByTestId('consensus-slug').inputValue();
  }

  memberRow(index: number): Locator {
    return this.page.getByTestId(`consensus-member-${index}`);
  }

  async addMember() {
    await this.page.getByTestId('consensus-add-member').click();
  }

  async member(index: number, m: MemberChoice) {
    const row = this.memberRow(index);
    await row.getByTestId('member-model').selectOption(m.model);
    // The versions and fields load with the model.
    await expect(row.getByTestId('member-ref').locator(`option[value="${m.ref}"]`)).toHaveCount(1);
    await row.getByTestId('member-ref').selectOption(m.ref);
    await expect(row.getByTestId('member-field').locator(`option[value="${m.field}"]`)).toHaveCount(1);
    await row.getByTestId('member-field').selectOption(m.field);
    if (m.name) await row.getByTestId('member-name').fill(m.name);
    if (m.weight) await row.getByTestId('member-weight').fill(m.weight);
  }

  step(id: 'create' | 'draft' | 'smoke' | 'publish'): Locator {
    return this.page.getByTestId(`consensus-step-${id}`);
  }

  /** Runs create, draft, smoke test and publish, and waits for the model page it lands on. */
  async createTestAndPublish(slug: string) {
    await this.submit.click();
    await expect(this.page).toHaveURL(new RegExp(`/models/${slug}\\?published=1$`), { timeout: 120_000 });
  }
}
