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
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { NextRequest } from 'next/server';
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
  // POST /api/uploads goes to the Next route handler, whose database handle reads DATABASE_URL.
  process.env.DATABASE_URL = gw.t.url;
  const { POST: postUpload } = await import('../src/app/api/uploads/route');
  server = http.createServer(async (req, res) => {
    if (req.url!.startsWith('/api/uploads')) {
      // The body is handed on as it arrives, as Next does: the file is never buffered here.
      const { port } = server.address() as AddressInfo;
      const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])));
      const init = { method: req.method, headers, body: Readable.toWeb(req), duplex: 'half' };
      const response = await postUpload(new NextRequest(`http://127.0.0.1:${port}${req.url}`, init as ConstructorParameters<typeof NextRequest>[1]));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
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
  // The upload route's own database handle (getDbDeps), closed before the database stops.
  const g = globalThis as unknown as { __gatewayDeps?: { db: { destroy(): Promise<void> }; watcher: { close(): Promise<void> } } };
  const shared = g.__gatewayDeps;
  g.__gatewayDeps = undefined;
  if (shared) {
    await shared.watcher.close();
    await shared.db.destroy();
  }
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

  it('uploads a gzipped CSV file as a stream, previews its bad row by line, runs it and reads the ids back', async () => {
    const gateway = createGatewayClient({ url: env.MODEL_GATEWAY_URL, token: env.MODEL_GATEWAY_TOKEN });
    const file = path.join(dir, 'plate.csv.gz');
    // Line 4 has an empty SMILES: a bad row, kept with its line number and its id.
    await writeFile(file, gzipSync('code,mol\nP-1,CCO\nP-2,c1ccccc1\nP-3,\nP-4,Oc1ccccc1\n'));
    const upload = await gateway.uploads.create(file, { smilesColumn: 'mol', idColumn: 'code' });
    expect(upload).toMatchObject({ format: 'csv', gzip: true, rowsTotal: 4, rowsBad: 1, smilesColumn: 'mol', idColumn: 'code' });

    const view = await gateway.uploads.get(upload.uploadId, { model: 'ocl-properties', badLimit: 10 });
    expect(view.preview.map((r) => r.externalId)).toEqual(['P-1', 'P-2', 'P-4']);
    expect(view.bad.items).toHaveLength(1);
    expect(view.bad.items[0]).toMatchObject({ line: 4, externalId: 'P-3', error: expect.stringMatching(/^line 4: /) });
    expect(view.estimate).not.toBeNull();

    const job = await gateway.uploads.submit(upload.uploadId, { model: 'ocl-properties', label: 'plate' });
    const done = await gateway.jobs.wait(job.id, { timeoutMs: 240_000 });
    expect(done).toMatchObject({ status: 'succeeded', itemsTotal: 4, itemsDone: 3, itemsFailed: 1, label: 'plate' });
    const results: [string | null, string][] = [];
    for await (const r of gateway.results(job.id)) results.push([r.externalId, r.status]);
    expect(results.sort()).toEqual([['P-1', 'succeeded'], ['P-2', 'succeeded'], ['P-3', 'failed'], ['P-4', 'succeeded']]);
    await expect(gateway.uploads.submit(upload.uploadId, { model: 'ocl-properties' })).rejects.toMatchObject({ code: 'CONFLICT' });

    // A Node Readable (or a web stream, or a Blob) is sent as it is read; screenFile is upload + submit.
    const streamed = await gateway.uploads.create(Readable.from(['CCO e1\n', 'CC e2\n']), { filename: 'two.smi' });
    expect(streamed).toMatchObject({ format: 'smi', rowsTotal: 2, rowsBad: 0 });
    await writeFile(path.join(dir, 'one.smi'), 'c1ccccc1 benzene\n');
    const screened = await gateway.screenFile(path.join(dir, 'one.smi'), { model: 'ocl-properties' });
    expect(screened).toMatchObject({ itemsTotal: 1, label: 'one.smi' });
    await expect(gateway.uploads.create(path.join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(gateway.uploads.create(new Blob(['CCO\n']), { filename: 'x.smi', format: 'xyz' as 'csv' })).rejects.toMatchObject({ code: 'INVALID_INPUT', httpStatus: 400 });
    await expect(gateway.uploads.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  }, 300_000);
});

describe('clients as processes', () => {
  it('python3 -m unittest: predict, screen a file, page and download the results', async () => {
    const py = await run('python3', ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v']);
    expect(py.code, py.stderr).toBe(0);
    expect(py.stderr).toMatch(/test_screen_a_file_with_progress_then_page_and_download_the_results \([^)]*\) \.\.\. ok/);
    expect(py.stderr).toMatch(/test_upload_a_gzipped_csv_streamed_then_preview_submit_and_read_the_ids \([^)]*\) \.\.\. ok/);
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

    const uploaded = await run('node', ['clients/cli/bin.mjs', 'jobs', 'upload', library, '--model', 'ocl-properties', '--label', 'cli upload', '--wait', '--json']);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stderr).toMatch(/^uploaded .*lib\.csv: 4 rows, 0 bad \(csv\)$/m);
    expect(JSON.parse(uploaded.stdout)).toMatchObject({ status: 'succeeded', label: 'cli upload', itemsTotal: 4, itemsFailed: 1 });

    const refused = await run('node', ['clients/cli/bin.mjs', 'models', 'show', 'no-such-model']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: NOT_FOUND: /m);
  }, 300_000);
});
