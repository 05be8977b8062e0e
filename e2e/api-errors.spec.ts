import { expect, test } from '@playwright/test';
import { tarGz } from '../test/archives';
import { registerAndSignIn, uniqueEmail } from './support';

// Typed errors at the HTTP boundary: the status, the gateway's code and a message that says what to fix.
test('the API answers bad requests with typed errors and writes nothing', async ({ page }) => {
  await registerAndSignIn(page, uniqueEmail('api-errors'));
  const api = page.request;

  const tooMany = await api.post('/api/trpc/jobs.create', {
    data: { model: 'esol-solubility', inputs: Array.from({ length: 100_001 }, () => ({ smiles: 'C' })) },
  });
  expect(tooMany.status()).toBe(400);
  const tooManyBody = await tooMany.json();
  expect(tooManyBody.error.data.appCode).toBe('INVALID_INPUT');
  expect(tooManyBody.error.message).toMatch(/at most 100000 inputs; split larger screens/);

  const oversize = await api.post('/api/trpc/jobs.create', {
    headers: { 'content-type': 'application/json' },
    data: JSON.stringify({ model: 'esol-solubility', inputs: [{ smiles: 'C'.repeat(21 * 1024 * 1024) }] }),
  });
  expect(oversize.status()).toBe(413);
  expect((await oversize.json()).error.data.appCode).toBe('PAYLOAD_TOO_LARGE');

  const unknown = await api.post('/api/trpc/jobs.create', { data: { model: 'no-such-model', inputs: [{ smiles: 'C' }] } });
  expect(unknown.status()).toBe(404);
  const unknownBody = await unknown.json();
  expect(unknownBody.error.data.appCode).toBe('NOT_FOUND');
  expect(unknownBody.error.message).toMatch(/no model named "no-such-model"/);

  const wrongField = await api.post('/api/trpc/models.predict', { data: { model: 'rdkit-descriptors', input: { smile: 'CCO' } } });
  expect(wrongField.status()).toBe(400);
  expect((await wrongField.json()).error.message).toMatch(/missing required field "smiles"/);

  const list = await api.get(`/api/trpc/jobs.list?input=${encodeURIComponent(JSON.stringify({}))}`);
  expect((await list.json()).result.data.total).toBe(0);
});

// Bundle uploads: a raw body, signed in by cookie or token; refusals are typed JSON.
test('bundle uploads answer typed errors: unauthenticated, hostile, not an archive', async ({ page, playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const unauth = await anonymous.post('/api/bundles', { headers: { 'content-type': 'application/octet-stream' }, data: Buffer.from('x') });
  expect(unauth.status()).toBe(401);
  expect(await unauth.json()).toMatchObject({ error: { appCode: 'UNAUTHORIZED' } });
  await anonymous.dispose();

  await registerAndSignIn(page, uniqueEmail('bundle-errors'));
  const post = (data: Buffer) => page.request.post('/api/bundles', { headers: { 'content-type': 'application/octet-stream' }, data });
  const hostile = await post(await tarGz([{ name: '../../outside.txt', content: 'x' }]));
  expect(hostile.status()).toBe(400);
  expect(await hostile.json()).toMatchObject({ error: { appCode: 'INVALID_INPUT', details: { entry: '../../outside.txt' }, message: expect.stringMatching(/leaves the bundle/) } });
  const garbage = await post(Buffer.from('not an archive at all'));
  expect(garbage.status()).toBe(400);
  expect((await garbage.json()).error.appCode).toBe('INVALID_INPUT');

  const good = await post(await tarGz([{ name: 'main.py', content: 'print(1)\n' }]));
  expect(good.status()).toBe(201);
  expect(await good.json()).toMatchObject({ digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), files: 1 });
});
