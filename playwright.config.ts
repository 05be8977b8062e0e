import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;

// The config is evaluated by the runner and again by each worker; only the first creates a data dir.
if (!process.env.E2E_DATA_DIR) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gateway-e2e-'));
  chmodSync(dir, 0o755);
  process.env.E2E_DATA_DIR = dir;
}
process.env.E2E_BASE_URL = baseURL;
// The fake Kubernetes cluster the app's worker runs container-image models on (e2e/fake-cluster.ts).
const KUBE_PORT = Number(process.env.E2E_KUBE_PORT ?? PORT + 71);
if (!process.env.E2E_KUBECONFIG) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'model-gateway-e2e-kube-'));
  process.env.E2E_KUBECONFIG = path.join(dir, 'kubeconfig');
}

// The agent's language model in the e2e run: a loopback OpenAI-compatible server streaming scripted
// SSE chunks (test/fixtures/agent), on a port free now, chosen once like the data dir.
process.env.E2E_LLM_PORT ??= execFileSync(process.execPath, [
  '-e',
  "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
]).toString();
const llmURL = `http://127.0.0.1:${process.env.E2E_LLM_PORT}`;

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // Creates the first (admin) account with the set-up token, after the web servers are up.
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // scripts/test.ts asks for a JSON report too, to print one summary line for the whole run.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME }]] : 'list',
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [
    {
      command: 'node --import tsx e2e/fake-cluster.ts',
      url: `http://127.0.0.1:${KUBE_PORT}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      env: { E2E_KUBE_PORT: String(KUBE_PORT), E2E_KUBECONFIG: process.env.E2E_KUBECONFIG },
    },
    {
      command: 'node --import tsx test/fixtures/agent/serve-openai.ts',
      url: `${llmURL}/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { PORT: process.env.E2E_LLM_PORT },
    },
    {
      command: 'node --import tsx scripts/start.ts',
      url: `${baseURL}/api/healthz`,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      // Lets start.ts stop the worker and the embedded PostgreSQL cleanly.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
      env: {
        PORT: String(PORT),
        DATA_DIR: process.env.E2E_DATA_DIR,
        GATEWAY_SKIP_BUILD: process.env.GATEWAY_SKIP_BUILD ?? '0',
        // The e2e database is thrown away when the server stops.
        GATEWAY_REMOVE_DATA_ON_EXIT: '1',
        // After the admin (e2e/global-setup.ts), specs sign up ordinary members themselves.
        GATEWAY_OPEN_SIGNUP: '1',
        // onboarding.spec.ts registers a model served by a loopback fixture.
        GATEWAY_OUTBOUND_HOSTS: '127.0.0.1,localhost',
        // Kubernetes versions run on the fake cluster; its pods call this app's task endpoint.
        GATEWAY_K8S_ENABLED: '1',
        GATEWAY_K8S_KUBECONFIG: process.env.E2E_KUBECONFIG,
        GATEWAY_K8S_TASK_URL: baseURL,
        // agent.spec.ts: the agent talks to the scripted loopback model through the real provider.
        AGENT_PROVIDER: 'openai-compatible',
        AGENT_BASE_URL: `${llmURL}/v1`,
        AGENT_MODEL: 'scripted',
      },
    },
  ],
});
