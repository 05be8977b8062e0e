import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpModelServer, type HttpModelServer } from '../../../test/fixtures/http-model-server';
import { checkHttpModel } from './http-health';

let server: HttpModelServer;
let closedUrl: string;

beforeAll(async () => {
  server = await startHttpModelServer();
  // A port that was just free: nothing listens on it.
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  await new Promise<void>((r) => s.close(() => r()));
});
afterAll(() => server?.close());

describe('checkHttpModel', () => {
  it('returns the oip-v2 model metadata of a ready server', async () => {
    const check = await checkHttpModel({ kind: 'http', url: `${server.url}/`, protocol: 'oip-v2', model: 'smiles-length' }, 2000);
    expect(check).toEqual({
      ok: true,
      metadata: expect.objectContaining({ name: 'smiles-length', inputs: [{ name: 'smiles', datatype: 'BYTES', shape: [-1] }] }),
    });
  });

  it('says so when the server does not serve the model', async () => {
    const check = await checkHttpModel({ kind: 'http', url: server.url, protocol: 'oip-v2', model: 'nope' }, 2000);
    expect(check).toMatchObject({ ok: false, code: 'NOT_FOUND', message: expect.stringMatching(/serves a model named "nope"/) });
  });

  it('accepts any HTTP answer from a json server, and fails clearly on a closed port', async () => {
    expect(await checkHttpModel({ kind: 'http', url: `${server.url}/anything`, protocol: 'json' }, 2000)).toEqual({ ok: true });
    for (const protocol of ['json', 'oip-v2'] as const) {
      const check = await checkHttpModel({ kind: 'http', url: closedUrl, protocol, model: 'm' }, 2000);
      expect(check).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
      expect(!check.ok && check.message).toMatch(new RegExp(`${closedUrl}.*connection refused`));
    }
  });
});
