/**
 * The fake cluster the e2e app's worker uses (started by playwright.config.ts before the app):
 * the fake Kubernetes API on E2E_KUBE_PORT, its kubeconfig at E2E_KUBECONFIG, and the pod
 * simulator running the real runner against the app. `registry.test/heavy-atoms:1` holds
 * e2e/fixtures/models/heavy-atoms. Stops on SIGTERM.
 */
import path from 'node:path';
import { startFakeKubeApi } from '../test/fixtures/kube/fake-kube-api';
import { PodSimulator } from '../test/fixtures/kube/pod-simulator';

const port = Number(process.env.E2E_KUBE_PORT);
const kubeconfigPath = process.env.E2E_KUBECONFIG;
if (!port || !kubeconfigPath) {
  console.error('[fake-cluster] set E2E_KUBE_PORT and E2E_KUBECONFIG');
  process.exit(2);
}

const api = await startFakeKubeApi({ port, namespace: 'models', kubeconfigPath });
const sim = new PodSimulator(api, {
  'registry.test/heavy-atoms:1': { dir: path.resolve(import.meta.dirname, 'fixtures', 'models', 'heavy-atoms'), cmd: ['python3', 'main.py'] },
});
console.log(`[fake-cluster] Kubernetes API (fake) on ${api.url}, kubeconfig ${kubeconfigPath}`);
api.onChange((c) => {
  if (c.kind === 'jobs' && c.type !== 'MODIFIED') console.log(`[fake-cluster] ${c.type} ${c.kind} ${c.obj.metadata.name}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void sim.close().then(() => api.close()).finally(() => process.exit(0));
  });
}
