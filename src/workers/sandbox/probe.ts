import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SANDBOX_BASE_ENV, sandboxArgv } from './bwrap';
import type { SandboxConfig } from './sandbox-config';

export type SandboxStatus = { ok: true; uids: 'per-sandbox' | 'worker' } | { ok: false; reason: string; fix: string };

/**
 * Runs a real sandbox once, as a model would run (same uid range, binds and limits), to learn
 * whether this machine can sandbox at all, and says why not and what to do when it cannot.
 */
export async function probeSandbox(config: SandboxConfig): Promise<SandboxStatus> {
  for (const [tool, pkg] of [
    [config.bwrap, 'bubblewrap'],
    [config.setpriv, 'util-linux'],
    [config.prlimit, 'util-linux'],
  ] as const) {
    if (!existsSync(tool)) {
      return { ok: false, reason: `${path.basename(tool)} is not installed (no ${tool})`, fix: `install Debian's "${pkg}" package (apt-get install -y ${pkg}); npm start and npm test do so when they run as root` };
    }
  }
  if (!existsSync(config.nodeModules)) {
    return { ok: false, reason: `there is no ${config.nodeModules} to give models`, fix: 'run npm ci in the gateway folder' };
  }
  const asRoot = process.getuid?.() === 0;
  const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'mgw-sandbox-probe-'));
  chmodSync(bundleDir, 0o755);
  try {
    const argv = sandboxArgv(config, {
      uid: asRoot ? config.uidBase + config.uidCount - 1 : undefined,
      bundleDir,
      cwd: '/bundle',
      command: ['/usr/bin/test', '-d', '/node_modules'],
      network: false,
      limits: config.defaults,
    });
    const { code, stderr } = await run(argv);
    if (code === 0) return { ok: true, uids: asRoot ? 'per-sandbox' : 'worker' };
    const said = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 400) || `exit code ${code}`;
    if (/namespace|uid map|setting up uid|Operation not permitted|Permission denied/i.test(said) && !/ro-bind|node_modules|\/bundle/.test(said)) {
      return {
        ok: false,
        reason: `bubblewrap cannot create user namespaces here (it said: ${said})`,
        fix:
          'allow unprivileged user namespaces: on Ubuntu 23.10+ AppArmor blocks them by default (`sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`, or an AppArmor profile for /usr/bin/bwrap with "userns,"); elsewhere check `sysctl user.max_user_namespaces` (> 0) and, in a container, a runtime that permits them',
      };
    }
    if (/node_modules|Can't find source path|bundle/i.test(said)) {
      return {
        ok: false,
        reason: `the sandbox's uid cannot reach the gateway's folders (bwrap said: ${said})`,
        fix: `make every folder above ${config.nodeModules} and the bundle cache enterable by others (chmod o+x), or move the gateway out of a private home folder`,
      };
    }
    return { ok: false, reason: `a test sandbox failed (${said})`, fix: 'run the command in the worker log by hand to see why' };
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

function run(argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...SANDBOX_BASE_ENV } as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stderr: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
