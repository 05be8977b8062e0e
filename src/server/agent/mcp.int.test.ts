import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, registerFixtureModel, startTestGateway, type TestGateway } from '../../../test/support';
import { createApiToken } from '../users/users.service';
import { handleMcpHttp } from './mcp-server';
import { AGENT_TOOLS } from './tools';

let gw: TestGateway;
let server: http.Server;
let url: string;
let token: string;

/** `/api/mcp` as the Next route serves it: Node's request as a web Request, the web Response streamed back. */
beforeAll(async () => {
  gw = await startTestGateway();
  await createUser(gw.db, 'admin');
  const alice = await createUser(gw.db, 'alice');
  token = (await createApiToken(gw.deps, alice, { name: 'mcp' })).token;
  await registerFixtureModel(gw.db, 'slow');
  server = http.createServer(async (req, res) => {
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])),
      body: req.method === 'POST' ? Buffer.concat(body) : undefined,
    });
    const response = await handleMcpHttp(gw.deps, request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) for await (const chunk of response.body) res.write(chunk);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/mcp`;
});
afterAll(async () => {
  server?.close();
  await gw?.stop();
});

async function connect(bearer = token): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
  return client;
}

describe('MCP at /api/mcp with the SDK client', () => {
  it('lists the same tools as the chat, with their input schemas and hints', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(AGENT_TOOLS.map((t) => t.name).sort());
    const predict = tools.find((t) => t.name === 'predict')!;
    expect(predict.inputSchema.required).toEqual(expect.arrayContaining(['model', 'input']));
    expect(tools.find((t) => t.name === 'search_models')!.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'build_consensus')!.annotations?.destructiveHint).toBe(true);
    await client.close();
  });

  it('predicts, and answers an unknown model with the structured error and the closest names', async () => {
    const client = await connect();
    const ok = await client.callTool({ name: 'predict', arguments: { model: 'rdkit-descriptors', input: { smiles: 'OC(=O)c1ccccc1OC(C)=O' } } });
    expect(ok.isError).toBe(false);
    expect((ok.structuredContent as { output: { tpsa: number } }).output.tpsa).toBeCloseTo(63.6, 1);
    const wrong = await client.callTool({ name: 'predict', arguments: { model: 'rdkit-descriptor', input: { smiles: 'CCO' } } });
    expect(wrong.isError).toBe(true);
    expect(wrong.structuredContent).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('did you mean "rdkit-descriptors"') } });
    await client.close();
  });

  it('starts a screen that returns a job handle at once, then reports its progress as notifications until it ends', async () => {
    const client = await connect();
    const inputs = Array.from({ length: 60 }, (_, i) => ({ smiles: `C${'C'.repeat(i % 7)}O` }));
    const started = await client.callTool({ name: 'submit_screen', arguments: { model: 'test-slow', inputs, label: 'mcp screen' } });
    const handle = started.structuredContent as { jobId: string; status: string; itemsTotal: number; link: string };
    expect(handle).toMatchObject({ itemsTotal: 60, link: `/jobs/${handle.jobId}` });
    expect(['queued', 'running']).toContain(handle.status);

    const progress: { progress: number; total?: number; message?: string }[] = [];
    const followed = await client.callTool(
      { name: 'job_status', arguments: { jobId: handle.jobId, waitSeconds: 120 } },
      undefined,
      { onprogress: (p) => void progress.push(p), resetTimeoutOnProgress: true, timeout: 60_000 },
    );
    expect(followed.structuredContent).toMatchObject({ status: 'succeeded', itemsDone: 60, finished: true });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.total === 60)).toBe(true);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ progress: 60, message: expect.stringContaining('succeeded') });
    await client.close();
  });

  it('refuses a request without a valid API token', async () => {
    await expect(connect('mgw_forged')).rejects.toThrow(/401|Unauthorized|token/i);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await res.json()).error.appCode).toBe('UNAUTHORIZED');
  });
});
