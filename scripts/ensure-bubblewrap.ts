/**
 * Finds bubblewrap (the model sandbox), or installs Debian's package when we are root and apt is
 * there, as scripts/test.ts does for Chromium. Without it the worker refuses to run models (and
 * says why); `GATEWAY_SANDBOX=off` runs trusted ones unsandboxed (unsafe).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function ensureBubblewrap(log: (line: string) => void, bwrap = process.env.GATEWAY_SANDBOX_BWRAP ?? '/usr/bin/bwrap'): boolean {
  if (existsSync(bwrap)) return true;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    log('bubblewrap (the model sandbox) is missing: installing Debian\'s "bubblewrap" package…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'bubblewrap'], { stdio: 'inherit', env });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
      r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'bubblewrap'], { stdio: 'inherit', env });
    }
    if (existsSync(bwrap)) return true;
  }
  log(
    `no bubblewrap at ${bwrap}: model processes cannot be sandboxed, so the worker will refuse them. ` +
      'Install it with `sudo apt-get install -y bubblewrap` (Debian/Ubuntu), or point GATEWAY_SANDBOX_BWRAP at it. ' +
      'GATEWAY_SANDBOX=off runs only the built-ins and admins\' host commands, unsandboxed (unsafe).',
  );
  return false;
}
