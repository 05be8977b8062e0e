import { expect, test } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../src/server/webhooks/signature';
import { SettingsPage } from './pages/settings.page';
import { WebhooksPanel } from './pages/webhooks.page';
import { registerAndSignIn, uniqueEmail } from './support';

interface Received {
  body: string;
  json: { id: string; event: string; jobId: string };
  timestamp: string;
  signature: string;
}

test('a token’s webhook hears its job start and succeed, signed; the job page logs the deliveries and replays one', async ({ page, request }) => {
  test.setTimeout(180_000);
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ body, json: JSON.parse(body), timestamp: String(req.headers['x-gateway-timestamp']), signature: String(req.headers['x-gateway-signature']) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`;
  try {
    await registerAndSignIn(page, uniqueEmail('webhooks'));
    const settings = new SettingsPage(page);
    await settings.goto();
    const token = await settings.createToken('ci');
    const panel = new WebhooksPanel(page);
    const secret = await panel.add(hookUrl);
    await expect(page.getByTestId('webhooks-list').getByTestId('webhook-row-url')).toHaveText(hookUrl);

    const submitted = await request.post('/api/v1/jobs', {
      headers: { authorization: `Bearer ${token}` },
      data: { model: 'esol-solubility', inputs: [{ smiles: 'CCO' }, { smiles: 'c1ccccc1' }] },
    });
    expect(submitted.ok(), await submitted.text()).toBe(true);
    const jobId = ((await submitted.json()) as { id: string }).id;
    // Deliveries are sent in parallel, so they may arrive in either order (each carries occurredAt).
    await expect.poll(() => received.map((r) => r.json.event).sort(), { timeout: 90_000 }).toEqual(['started', 'succeeded']);
    for (const r of received) {
      expect(r.json.jobId).toBe(jobId);
      expect(verifyWebhook({ secret, body: r.body, timestamp: r.timestamp, signature: r.signature })).toEqual({ ok: true });
    }

    await page.goto(`/jobs/${jobId}`);
    const succeeded = panel.delivery('succeeded');
    await expect(succeeded).toHaveAttribute('data-status', 'delivered');
    await expect(panel.delivery('started')).toHaveAttribute('data-status', 'delivered');
    await succeeded.getByTestId('webhook-replay').click();
    await expect.poll(() => received.length, { timeout: 60_000 }).toBe(3);
    const replay = received[2];
    expect(replay.json.event).toBe('succeeded');
    expect(replay.json.id).not.toBe(received[1].json.id);
    await expect(panel.delivery('succeeded')).toHaveCount(2);
    await expect(panel.delivery('succeeded').first()).toHaveAttribute('data-status', 'delivered');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
