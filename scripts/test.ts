/**
 * `npm test`: every test, in order — unit and integration tests (vitest, real PostgreSQL),
 * then the browser tests (Playwright in Debian Chromium, which also run the SDK, the CLI and the
 * Python client (python3 -m unittest) from separate processes against the running app). Ends with one summary line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBubblewrap } from './ensure-bubblewrap';

const root = path.resolve(import.meta.dirname, '..');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const log = (line: string) => console.log(`\n[test] ${line}`);

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** Finds Chromium, or installs Debian's package when we are root and apt is there. */
function ensureChromium(): boolean {
  if (existsSync(chromium)) return true;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    log('Chromium is missing: installing Debian\'s "chromium" package…');
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync(chromium)) return true;
  }
  console.error(
    `[test] no Chromium at ${chromium}. Install it with \`sudo apt-get install -y chromium\` ` +
      '(Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
  return false;
}

/** Finds kubectl (for `kubectl kustomize` in k8s/manifests.test.ts), or installs Debian's kubernetes-client as root. */
function ensureKubectl(): boolean {
  const onPath = (bin: string) => spawnSync(bin, ['version', '--client'], { stdio: 'ignore' }).status === 0;
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  if (onPath(kubectl)) return true;
  if (!process.env.KUBECTL && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    log('kubectl is missing: installing Debian\'s "kubernetes-client" package…');
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'kubernetes-client'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (onPath('kubectl')) return true;
  }
  console.error(`[test] no kubectl (${kubectl}): install it with \`sudo apt-get install -y kubernetes-client\` (Debian/Ubuntu), or point KUBECTL at a kubectl binary; the k8s/ manifest test fails without it.`);
  return false;
}

async function countVitest(file: string): Promise<{ passed: number; failed: number }> {
  const report = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}'));
  return { passed: report.numPassedTests ?? 0, failed: (report.numFailedTests ?? 0) + (report.numTotalTests ? 0 : 1) };
}

async function countPlaywright(file: string): Promise<{ passed: number; failed: number }> {
  const report = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}'));
  const stats = report.stats ?? {};
  return { passed: stats.expected ?? 0, failed: (stats.unexpected ?? 0) + (stats.flaky ?? 0) + (report.stats ? 0 : 1) };
}

async function main() {
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'mgw-reports-'));
  const only = process.argv[2];

  // Model processes run sandboxed in the worker of both halves.
  ensureBubblewrap((line) => log(line));

  let unit = { passed: 0, failed: 0 };
  if (!only || only === 'unit') {
    log('type check (tsc --noEmit): the SDK, server, worker and tests');
    if ((await run('npx', ['tsc', '--noEmit', '-p', '.'])) !== 0) unit.failed += 1;
    if (!ensureKubectl()) unit.failed += 1;
    log('unit and integration tests (vitest, embedded PostgreSQL)');
    const vitestJson = path.join(out, 'vitest.json');
    await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
    const counted = await countVitest(vitestJson);
    unit = { passed: counted.passed, failed: counted.failed + unit.failed };
  }

  let e2e = { passed: 0, failed: 0 };
  if (!only || only === 'e2e') {
    if (!ensureChromium()) e2e.failed = 1;
    else {
      log('building the web app for the browser tests (next build)');
      const built = await run('npx', ['next', 'build'], { NEXT_TELEMETRY_DISABLED: '1' });
      if (built !== 0) e2e.failed = 1;
      else {
        log('browser and SDK tests (Playwright, Chromium)');
        const pwJson = path.join(out, 'playwright.json');
        await run('npx', ['playwright', 'test'], {
          CHROMIUM_PATH: chromium,
          GATEWAY_SKIP_BUILD: '1',
          PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
          PLAYWRIGHT_REPORTERS: 'list,json',
        });
        e2e = await countPlaywright(pwJson);
      }
    }
  }

  const passed = unit.passed + e2e.passed;
  const failed = unit.failed + e2e.failed;
  console.log(`\n[test] vitest: ${unit.passed} passed, ${unit.failed} failed; playwright: ${e2e.passed} passed, ${e2e.failed} failed`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
