import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { splitCsvLine } from '../clients/typescript/src/inputs';
import { SettingsPage } from './pages/settings.page';
import { registerAndSignIn, uniqueEmail } from './support';

const ROOT = path.resolve(import.meta.dirname, '..');
const LIBRARY = path.join(ROOT, 'e2e/fixtures/smiles-50.txt');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    // stdin closed and no terminal: the CLI prints plain progress lines, as in a pipeline.
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test.describe('clients: REST, CLI and Python against the running app', () => {
  let token: string;
  let env: Record<string, string>;

  test.beforeAll(async ({ browser, baseURL }) => {
    const page = await browser.newPage({ baseURL });
    await registerAndSignIn(page, uniqueEmail('clients'));
    const settings = new SettingsPage(page);
    await settings.goto();
    token = await settings.createToken('clients e2e');
    await page.close();
    // A config folder of this run only: `login` writes there, never into the real home.
    const config = await mkdtemp(path.join(os.tmpdir(), 'mgw-cli-config-'));
    env = { MODEL_GATEWAY_URL: baseURL!, MODEL_GATEWAY_TOKEN: token, XDG_CONFIG_HOME: config };
  });

  test('REST: the OpenAPI document, a prediction, problem+json, and the API reference page', async ({ request, page }) => {
    const doc = await (await request.get('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const predicted = await request.post('/api/v1/models/rdkit-descriptors/predict', { headers: { authorization: `Bearer ${token}` }, data: { input: { smiles: 'OCC' } } });
    expect(predicted.status()).toBe(200);
    expect((await predicted.json()).input.smiles).toBe('CCO');
    const anonymous = await request.get('/api/v1/jobs');
    expect(anonymous.status()).toBe(401);
    expect(anonymous.headers()['content-type']).toBe('application/problem+json');
    expect(await anonymous.json()).toMatchObject({ status: 401, appCode: 'UNAUTHORIZED' });

    await page.goto('/docs/api');
    const operations = Object.values(doc.paths as Record<string, object>).reduce<number>((n, ops) => n + Object.keys(ops).length, 0);
    await expect(page.getByTestId('api-operation')).toHaveCount(operations);
    await expect(page.locator('[data-testid="api-operation"][data-method="post"][data-path="/jobs"]')).toContainText('inputs');
  });

  test('CLI: screen a file with progress on stderr, then read the results as CSV; exit codes for scripts', async () => {
    test.setTimeout(240_000);
    const cli = (...args: string[]) => run('npx', ['model-gateway', ...args], env);

    const login = await run('npx', ['model-gateway', 'login', '--token', token], { ...env, MODEL_GATEWAY_TOKEN: '' });
    expect(login.code, login.stderr).toBe(0);
    const configFile = path.join(env.XDG_CONFIG_HOME, 'model-gateway', 'config.json');
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configFile, 'utf8')).token).toBe(token);
    const whoami = await run('npx', ['model-gateway', 'whoami'], { ...env, MODEL_GATEWAY_TOKEN: '' });
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/@e2e\.example\.com/);

    const screen = await cli('screen', 'ocl-properties', LIBRARY, '--label', 'cli e2e');
    expect(screen.code, `${screen.stdout}\n${screen.stderr}`).toBe(0);
    // Plain progress lines off a terminal, ending at all 50 items.
    // (A few of the fixture's molecules are refused by the model: they count as finished, failed.)
    expect(screen.stderr).toMatch(/^screen ocl-properties: \d+\/50 \(\d+%\)(, \d+ failed)? ETA/m);
    const final = screen.stderr.match(/^screen ocl-properties: 50\/50 \(100%\)(?:, (\d+) failed)? in \d+/m);
    expect(final, screen.stderr).not.toBeNull();
    const failedCount = Number(final![1] ?? 0);
    const jobId = screen.stdout.trim();
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    const csv = await cli('jobs', 'results', jobId, '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split('\n').map((line) => splitCsvLine(line));
    expect(header.slice(0, 3)).toEqual(['index', 'smiles', 'status']);
    expect(header).toContain('logP');
    expect(rows).toHaveLength(50);
    expect(rows.map((r) => Number(r[0]))).toEqual([...Array(50).keys()]);
    const logP = header.indexOf('logP');
    const errorCode = header.indexOf('error_code');
    expect(rows.filter((r) => r[2] === 'failed').length).toBe(failedCount);
    expect(rows.every((r) => (r[2] === 'succeeded' ? Number.isFinite(Number(r[logP])) && r[logP] !== '' : r[errorCode] !== ''))).toBe(true);
    expect(rows[0][1]).toBe('CCO');

    const sdf = await cli('jobs', 'results', jobId, '--format', 'sdf');
    expect(sdf.code, sdf.stderr).toBe(0);
    // Every item whose SMILES RDKit can read gets a record.
    expect(sdf.stdout.split('$$$$').length - 1).toBeGreaterThanOrEqual(50 - failedCount);
    expect(sdf.stdout).toContain('>  <logP>');

    const show = await cli('jobs', 'show', jobId);
    expect(show.stdout).toContain(`succeeded  50/50${failedCount ? ` (${failedCount} failed)` : ''}`);

    // Scripts read the exit code and the appCode.
    const refused = await cli('predict', 'esol-solubility', 'C1CC(');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: INVALID_INPUT: /m);
    const missing = await cli('jobs', 'show', '00000000-0000-4000-8000-000000000000');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/NOT_FOUND/);
    const usage = await cli('jobs', 'results', jobId, '--format', 'xlsx');
    expect(usage.code).toBe(1);
    const badToken = await run('npx', ['model-gateway', 'models', 'list'], { ...env, MODEL_GATEWAY_TOKEN: 'mgw_not-a-real-token' });
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(/UNAUTHORIZED/);
  });

  test('Python client: python3 -m unittest (predict, screen a file, download) against the app', async () => {
    test.setTimeout(300_000);
    const py = await run('python3', ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v'], env);
    expect(py.code, `${py.stdout}\n${py.stderr}`).toBe(0);
    expect(py.stderr).toMatch(/\nOK\b/);
    expect(py.stderr).toMatch(/test_screen_a_file_with_progress_then_page_and_download_the_results \([^)]*\) \.\.\. ok/);
    expect(py.stderr).toMatch(/test_predict_answers_the_canonical_input_and_a_finite_logp \([^)]*\) \.\.\. ok/);
    // Only the pandas test may skip (when pandas is not installed).
    expect(py.stderr.match(/\.\.\. skipped/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });
});
