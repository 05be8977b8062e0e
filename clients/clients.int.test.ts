/**
 * The CLI and the Python client as separate processes against a real gateway (database, queue,
 * worker) served on a loopback port by the same tRPC and REST handlers the Next app mounts.
 * e2e/clients.spec.ts runs them against the whole app as well.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, type TestGateway } from '../test/support';
import { handleRest } from '../src/server/api/rest/handler';
import { handleResultsDownload } from '../src/server/api/results-download';
import { requestInfo } from '../src/server/api/request-info';
import { appRouter } from '../src/server/api/root';
import { createApiToken, viewerFromToken } from '../src/server/users/users.service';
import { createGatewayClient } from './typescript/src/index';
import { parseCsv, parseSdf } from '../test/csv';

const ROOT = path.resolve(import.meta.dirname, '..');
let gw: TestGateway;
let server: http.Server;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  gw = await startTestGateway();
  const user = await createUser(gw.db, 'cli');
  const { token } = await createApiToken(gw.deps, user, { name: 'clients test' });
  const viewerOf = async (req: Request) => {
    const auth = req.headers.get('authorization');
    return auth?.toLowerCase().startsWith('bearer ') ? viewerFromToken(gw.deps, auth.slice(7).trim()) : null;
  };
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const { port } = server.address() as AddressInfo;
    const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])));
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    const response = req.url!.startsWith('/api/trpc')
      ? await fetchRequestHandler({
          endpoint: '/api/trpc',
          req: request,
          router: appRouter,
          createContext: async () => ({ ...gw.deps, viewer: await viewerOf(request), request: requestInfo(request.headers), channel: 'api' as const }),
        })
      : /^\/api\/jobs\/[^/]+\/results/.test(req.url!)
        ? await handleResultsDownload(gw.deps, await viewerOf(request), new URL(request.url), req.url!.split('/')[3])
        : await handleRest(request, { deps: async () => gw.deps, resolveViewer: (_d, r) => viewerOf(r) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  dir = await mkdtemp(path.join(os.tmpdir(), 'mgw-clients-'));
  env = { MODEL_GATEWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, MODEL_GATEWAY_TOKEN: token, XDG_CONFIG_HOME: dir };
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await gw?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the TypeScript SDK', () => {
  it('pages results sorted by an output field by keyset, and downloads them as CSV and SDF', async () => {
    const gateway = createGatewayClient({ url: env.MODEL_GATEWAY_URL, token: env.MODEL_GATEWAY_TOKEN });
    const smiles = ['CCO', 'c1ccccc1', 'CC(=O)Oc1ccccc1C(=O)O', 'C1CC(', 'Oc1ccccc1', 'CCCCCCCC'];
    const job = await gateway.jobs.submit({ model: 'ocl-properties', inputs: smiles.map((s) => ({ smiles: s })) });
    await gateway.jobs.wait(job.id, { timeoutMs: 240_000 });
    const sorted: number[] = [];
    const seen: number[] = [];
    for await (const r of gateway.results(job.id, { sort: { field: 'logP', direction: 'desc' }, status: 'succeeded', limit: 2 })) {
      sorted.push(r.output!.logP as number);
      seen.push(r.index);
    }
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    expect(seen.sort()).toEqual([0, 1, 2, 4, 5]);

    const file = path.join(dir, 'sdk.csv');
    const written = await gateway.download(job.id, { format: 'csv', sort: { field: 'logP', direction: 'asc' }, to: file });
    expect(written.rows).toBe(6);
    const rows = parseCsv(await readFile(file, 'utf8'));
    expect(rows[0].slice(0, 4)).toEqual(['index', 'id', 'smiles', 'status']);
    expect(rows.slice(1).map((r) => r[2])).toContain('c1ccccc1');
    expect(rows[rows.length - 1].slice(0, 4)).toEqual(['3', '', 'C1CC(', 'failed']);

    const sdf = await gateway.download(job.id, { format: 'sdf', status: ['succeeded'] });
    const records = parseSdf(await new Response(sdf.body).text());
    expect(records.map((r) => r.data.index)).toEqual(['0', '1', '2', '4', '5']);
    expect(records[1].data.smiles).toBe('c1ccccc1');
    await expect(gateway.download('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 300_000);
});

describe('clients as processes', () => {
  it('python3 -m unittest: predict, screen a file, page and download the results', async () => {
    const py = await run('python3', ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v']);
    expect(py.code, py.stderr).toBe(0);
    expect(py.stderr).toMatch(/test_screen_a_file_with_progress_then_page_and_download_the_results \([^)]*\) \.\.\. ok/);
    expect(py.stderr.match(/\.\.\. skipped/g)?.length ?? 0).toBeLessThanOrEqual(1);
  }, 300_000);

  it('the CLI screens a file with progress lines, then prints the results as CSV', async () => {
    const library = path.join(dir, 'lib.csv');
    await writeFile(library, 'name,smiles\nethanol,CCO\nbenzene,c1ccccc1\nbroken,C1CC(\nphenol,Oc1ccccc1\n');
    const out = path.join(dir, 'out.csv');
    const screen = await run('node', ['clients/cli/bin.mjs', 'screen', 'ocl-properties', library, '--out', out]);
    expect(screen.code, screen.stderr).toBe(0);
    expect(screen.stderr).toMatch(/^screen ocl-properties: 4\/4 \(100%\), 1 failed in \d+s$/m);
    const { readFile } = await import('node:fs/promises');
    const written = (await readFile(out, 'utf8')).trim().split('\n');
    expect(written[0]).toMatch(/^index,name,smiles,status,.*logP.*,error_code,error$/);
    expect(written.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['0,ethanol,CCO,succeeded', '1,benzene,c1ccccc1,succeeded', '2,broken,C1CC(,failed', '3,phenol,Oc1ccccc1,succeeded']);

    const jobs = await run('node', ['clients/cli/bin.mjs', 'jobs', 'list', '--json']);
    const jobId = JSON.parse(jobs.stdout).items[0].id as string;
    const csv = await run('node', ['clients/cli/bin.mjs', 'jobs', 'results', jobId, '--format', 'csv', '--status', 'failed']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(2);
    expect(csv.stdout).toMatch(/^2,C1CC\(,failed,INVALID_INPUT,/m);

    const refused = await run('node', ['clients/cli/bin.mjs', 'models', 'show', 'no-such-model']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: NOT_FOUND: /m);
  }, 300_000);
});
