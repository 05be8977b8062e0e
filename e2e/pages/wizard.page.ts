import { expect, type Locator, type Page } from '@playwright/test';

type StepId = 'basics' | 'runtime' | 'schemas' | 'resources' | 'smoke' | 'publish';

/** The onboarding wizard at /models/new, one method per thing a model owner does in it. */
export class WizardPage {
  readonly body: Locator;

  constructor(readonly page: Page) {
    this.body = page.getByTestId('wizard-body');
  }

  async goto() {
    await this.page.goto('/models/new');
    await this.expectStep('basics');
  }

  expectStep(step: StepId) {
    return expect(this.body).toHaveAttribute('data-step', step);
  }

  stepButton(step: StepId): Locator {
    return this.page.getByTestId(`wizard-step-${step}`);
  }

  async openStep(step: StepId) {
    await this.stepButton(step).click();
    await this.expectStep(step);
  }

  /** Fills step 1 and creates the model; returns the slug derived from the name. */
  async basics(m: { name: string; task: string; description?: string; tags?: string }): Promise<string> {
    await this.page.getByTestId('basics-name').fill(m.name);
    await this.page.getByTestId('basics-task').fill(m.task);
    if (m.description) await this.page.getByTestId('basics-description').fill(m.description);
    if (m.tags) await this.page.getByTestId('basics-tags').fill(m.tags);
    const slug = await this.page.getByTestId('basics-slug').inputValue();
    await this.page.getByTestId('basics-submit').click();
    await this.expectStep('runtime');
    return slug;
  }

  async processRuntime(r: { command: string; cwd: string; smiles: string }) {
    await this.page.getByTestId('runtime-kind-process').click();
    await this.page.getByTestId('runtime-command').fill(r.command);
    await this.page.getByTestId('runtime-cwd').fill(r.cwd);
    await this.page.getByTestId('example-smiles').fill(r.smiles);
    await this.saveRuntime();
  }

  /**
   * Uploads the model folder as an archive and waits for the gateway's answer; the command and
   * example are typed only when given (a model.json inside the bundle fills them in).
   */
  async bundleRuntime(r: { file: { name: string; buffer: Buffer }; command?: string; smiles?: string; save?: boolean }) {
    await this.page.getByTestId('runtime-kind-bundle').click();
    await this.page.getByTestId('runtime-bundle-file').setInputFiles({ name: r.file.name, mimeType: 'application/gzip', buffer: r.file.buffer });
    await expect(this.page.getByTestId('runtime-bundle-summary')).toBeVisible();
    if (r.command) await this.page.getByTestId('runtime-command').fill(r.command);
    if (r.smiles) await this.page.getByTestId('example-smiles').fill(r.smiles);
    if (r.save !== false) await this.saveRuntime();
  }

  /** Chooses a container image run as a Kubernetes Job per task. */
  async kubernetesRuntime(r: { image: string; command?: string; smiles: string }) {
    await this.page.getByTestId('runtime-kind-kubernetes').click();
    await this.page.getByTestId('runtime-image').fill(r.image);
    if (r.command) await this.page.getByTestId('runtime-image-command').fill(r.command);
    await this.page.getByTestId('example-smiles').fill(r.smiles);
    await this.saveRuntime();
  }

  /** Chooses a served model, checks it answers, and returns the check's result box. */
  async httpRuntime(r: { url: string; protocol: 'oip-v2' | 'json'; model?: string; headers?: string }): Promise<Locator> {
    await this.page.getByTestId('runtime-kind-http').click();
    await this.page.getByTestId('runtime-url').fill(r.url);
    await this.page.getByTestId('runtime-protocol').selectOption(r.protocol);
    if (r.model) await this.page.getByTestId('runtime-model-name').fill(r.model);
    if (r.headers) await this.page.getByTestId('runtime-headers').fill(r.headers);
    await this.page.getByTestId('runtime-check').click();
    return this.page.getByTestId('runtime-check-ok');
  }

  async exampleSmiles(smiles: string) {
    await this.page.getByTestId('example-smiles').fill(smiles);
  }

  async saveRuntime() {
    await this.page.getByTestId('runtime-submit').click();
    await this.expectStep('schemas');
  }

  /** Runs the example on the schemas step and returns the model's answer as shown. */
  async runExample(): Promise<Locator> {
    await this.page.getByTestId('schemas-run').click();
    const output = this.page.getByTestId('schemas-run-output-json');
    await expect(output).toBeVisible({ timeout: 60_000 });
    return output;
  }

  async proposeSchemas() {
    await this.page.getByTestId('schemas-propose').click();
    await expect(this.schemaRow('output', '').first()).toBeVisible();
  }

  /** A row of the input or output schema table; '' matches any row. */
  schemaRow(which: 'input' | 'output', field: string): Locator {
    const rows = this.page.getByTestId(`schema-${which}-row`);
    return field ? this.page.locator(`[data-testid="schema-${which}-row"][data-field="${field}"]`) : rows;
  }

  async saveSchemas() {
    await this.page.getByTestId('schemas-save').click();
    await this.expectStep('resources');
  }

  async resources(r: { batchSize?: number; timeoutSeconds?: number } = {}) {
    if (r.batchSize !== undefined) await this.page.getByTestId('resources-batchSize').fill(String(r.batchSize));
    if (r.timeoutSeconds !== undefined) await this.page.getByTestId('resources-timeoutS').fill(String(r.timeoutSeconds));
    await this.page.getByTestId('resources-submit').click();
    await this.expectStep('smoke');
  }

  async runSmokeTest() {
    await expect(this.page.getByTestId('smoke-run')).toBeEnabled();
    await this.page.getByTestId('smoke-run').click();
    await expect(this.page.getByTestId('smoke-pass').or(this.page.getByTestId('smoke-failure'))).toBeVisible({ timeout: 90_000 });
  }

  smokeValue(field: string): Locator {
    return this.page.getByTestId(`smoke-output-value-${field}`);
  }

  async continueToPublish() {
    await this.page.getByTestId('smoke-continue').click();
    await this.expectStep('publish');
  }

  /** Publishes and waits for the model page it lands on. */
  async publish(slug: string, { production = true } = {}) {
    const box = this.page.getByTestId('publish-production');
    await expect(box).toBeChecked();
    if (!production) await box.uncheck();
    await this.page.getByTestId('publish-submit').click();
    await expect(this.page).toHaveURL(new RegExp(`/models/${slug}\\?published=\\d+$`));
  }
}
