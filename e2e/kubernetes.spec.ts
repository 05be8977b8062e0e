import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { ModelDetailPage } from './pages/model-detail.page';
import { WizardPage } from './pages/wizard.page';
import { registerAndSignIn, uniqueEmail } from './support';

// The app's worker runs kubernetes versions on the fake cluster of e2e/fake-cluster.ts: the fake
// API server, and the pod simulator starting the real runner, which calls this app's task endpoint.
test('an owner onboards a container image: its smoke test runs as a Kubernetes Job on the (fake) cluster', async ({ page }) => {
  test.setTimeout(240_000);
  await registerAndSignIn(page, uniqueEmail('onboard-k8s'));
  const wizard = new WizardPage(page);
  await wizard.goto();
  const slug = await wizard.basics({ name: `Heavy atoms image ${randomBytes(3).toString('hex')}`, task: 'property/heavy-atoms' });

  await wizard.kubernetesRuntime({ image: 'registry.test/heavy-atoms:1', command: 'python3 main.py', smiles: 'c1ccccc1O' });
  await expect(await wizard.runExample()).toContainText('"heavyAtoms": 7');
  await wizard.proposeSchemas();
  await expect(wizard.schemaRow('output', 'heavyAtoms')).toBeVisible();
  await wizard.saveSchemas();

  await wizard.resources();
  await wizard.runSmokeTest();
  await expect(page.getByTestId('smoke-pass')).toBeVisible();
  await expect(wizard.smokeValue('heavyAtoms')).toHaveText('7');
  await wizard.continueToPublish();
  await wizard.publish(slug);

  const model = new ModelDetailPage(page);
  await expect(model.publishedBanner).toContainText('v1 is published');
  await model.predict('CCO');
  await expect(model.value('heavyAtoms')).toHaveText('3', { timeout: 60_000 });
});
