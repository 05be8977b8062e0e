import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect, test } from '@playwright/test';
import { AgentPanel } from './pages/agent-panel.page';
import { SettingsPage } from './pages/settings.page';
import { registerAndSignIn, uniqueEmail } from './support';

/**
 * The agent against the loopback OpenAI-compatible server (test/fixtures/agent/serve-openai.ts,
 * started by playwright.config.ts): the provider code path is the real one, the model is a script.
 */
test('the agent streams, asks approval for a screen, follows the job live and summarises it; a reload keeps it all', async ({ page }) => {
  test.setTimeout(180_000);
  await registerAndSignIn(page, uniqueEmail('agent'));
  const agent = new AgentPanel(page);
  await agent.open();

  // Streamed text: the stop button shows while the answer arrives, then the whole text.
  await agent.ask('hello');
  await expect(agent.stop).toBeVisible();
  await expect(agent.assistantTexts.last()).toHaveText(/^Hello! I can search and describe models.*summarise their results\.$/);
  await expect(agent.send).toBeVisible();

  await agent.ask('Screen the demo library with rdkit-descriptors and give me the top 3 by logP');
  const approval = agent.approval('submit_screen');
  await expect(approval).toBeVisible();
  await expect(approval.getByTestId('agent-approval-reason')).toContainText('rdkit-descriptors@1 on 12 inputs');
  await expect(approval.getByTestId('agent-approval-args')).toContainText('12 inputs');
  await expect(page.getByTestId('agent-estimate')).toBeVisible();
  await expect(agent.jobCards).toHaveCount(0);

  // A reload keeps the conversation and the pending approval.
  await page.reload();
  await expect(agent.chat).toBeVisible();
  await expect(agent.assistantTexts.first()).toContainText('Hello! I can search');
  await expect(agent.approval('submit_screen')).toBeVisible();
  await expect(agent.approve).toBeEnabled();

  await agent.approve.click();
  const job = agent.jobCards.first();
  await expect(job).toBeVisible();
  await expect(job.getByTestId('agent-job-progress')).toBeVisible();
  await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
  await expect(job.getByTestId('agent-job-counts')).toHaveText('12 / 12 items');

  const summary = agent.assistantTexts.last();
  await expect(summary).toHaveText(/^The screen succeeded: 12 of 12 molecules\. Top 3 by logP: 1\. CCCCCCCCCCCCCCCC \(logP [\d.]+\), 2\. .+\.$/, { timeout: 90_000 });
  await expect(agent.chat).toHaveAttribute('data-status', 'ready');
  await expect(agent.summary.getByTestId('agent-summary-row')).toHaveCount(3);
  await expect(agent.summary.locator('img.molecule').first()).toBeVisible();
  if (process.env.AGENT_SCREENSHOT) {
    // docs/screenshots/agent-panel.png: AGENT_SCREENSHOT=docs/screenshots/agent-panel.png npx playwright test e2e/agent.spec.ts
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: process.env.AGENT_SCREENSHOT });
  }

  // After a reload the answered approval is neither lost nor offered again, and the screen ran once.
  const summaryText = await summary.textContent();
  await page.reload();
  await expect(agent.assistantTexts.last()).toHaveText(summaryText!);
  await expect(agent.jobCards.first()).toHaveAttribute('data-status', 'succeeded');
  await expect(agent.approve).toHaveCount(0);
  const res = await page.request.get(`/api/trpc/jobs.list?input=${encodeURIComponent(JSON.stringify({ limit: 100 }))}`);
  const { items } = (await res.json()).result.data as { items: { label: string | null }[] };
  expect(items.filter((j) => j.label === 'agent demo screen')).toHaveLength(1);

  // The job card links to the job's page.
  await agent.jobCards.first().getByTestId('agent-job-link').click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(agent.panel).toBeVisible();
});

test('the same tools over MCP at /api/mcp on the running app, with a token made in the UI', async ({ page, baseURL }) => {
  await registerAndSignIn(page, uniqueEmail('mcp'));
  const settings = new SettingsPage(page);
  await settings.goto();
  const token = await settings.createToken('mcp e2e');

  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL('/api/mcp', baseURL), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['search_models', 'predict', 'submit_screen', 'job_status', 'summarize_results']));
  const prediction = await client.callTool({ name: 'predict', arguments: { model: 'rdkit-descriptors', input: { smiles: 'CC(=O)Oc1ccccc1C(=O)O' } } });
  expect((prediction.structuredContent as { output: { tpsa: number } }).output.tpsa).toBeCloseTo(63.6, 1);
  await client.close();

  // A session cookie is not enough: MCP takes API tokens only.
  const withCookie = await page.request.post('/api/mcp', { data: {} });
  expect(withCookie.status()).toBe(401);
  expect((await page.request.get('/api/mcp')).status()).toBe(405);
});
