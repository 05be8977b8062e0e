import type { SandboxConfig, SandboxLimits } from './sandbox-config';

const MB = 1024 * 1024;

/** Where things appear inside every sandbox. */
export const SANDBOX_BUNDLE = '/bundle';
export const SANDBOX_NODE_MODULES = '/node_modules';

/** The environment a sandboxed model gets besides its manifest's `env`: nothing of the worker's. */
export const SANDBOX_BASE_ENV: Readonly<Record<string, string>> = { PATH: '/usr/bin:/bin', HOME: '/tmp', LANG: 'C.UTF-8', OMP_NUM_THREADS: '1' };

// What programs need from /etc: the dynamic linker's cache and Debian's alternatives symlinks.
const ETC = ['/etc/ld.so.cache', '/etc/alternatives'];
// And, only with network access, name resolution and CA certificates.
const ETC_NET = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf', '/etc/ssl/certs'];

export interface SandboxSpec {
  /** The uid (and gid) to run as; undefined when the worker is not root and cannot switch (it then runs as the worker's own uid, mapped in a user namespace). */
  uid?: number;
  /** A bundle's unpacked folder, bound read-only at /bundle. */
  bundleDir?: string;
  /** A host command's folder, bound read-only at its own path. */
  hostDir?: string;
  /** Working directory inside the sandbox. */
  cwd: string;
  command: string[];
  network: boolean;
  limits: SandboxLimits;
}

/**
 * The argv that runs `spec.command` sandboxed: `setpriv` drops to the sandbox's uid with no
 * groups, `prlimit` sets the rlimits, `bwrap` builds the namespaces (user, mount, pid, net, ipc,
 * uts, cgroup), a filesystem of /usr, two /etc files, node_modules and the bundle (all
 * read-only, root remounted read-only), a private size-capped /tmp and /dev/shm, no
 * capabilities, no further user namespaces, a new session, and death with the worker. Each tool
 * execs the next, so the spawned pid is bwrap's, and the worker's environment passes only as the
 * clean environment it is spawned with.
 */
export function sandboxArgv(config: Pick<SandboxConfig, 'bwrap' | 'setpriv' | 'prlimit' | 'nodeModules'>, spec: SandboxSpec): string[] {
  const l = spec.limits;
  const argv: string[] = [];
  if (spec.uid !== undefined) argv.push(config.setpriv, `--reuid=${spec.uid}`, `--regid=${spec.uid}`, '--clear-groups', '--');
  // RLIMIT_DATA rather than RLIMIT_AS: V8 and WebAssembly reserve far more address space than
  // they use. It is a backstop at twice the budget; the watchdog enforces the budget on RSS.
  const dataBytes = Math.max(l.memoryMb * 2, l.memoryMb + 512) * MB;
  argv.push(config.prlimit, `--nofile=${l.openFiles}`, `--cpu=${l.cpuSeconds}:${l.cpuSeconds + 30}`, `--data=${dataBytes}`, '--core=0');
  // RLIMIT_NPROC counts every process of the uid: only a uid of the sandbox's own can carry it.
  if (spec.uid !== undefined) argv.push(`--nproc=${l.processes}`);
  argv.push('--');
  argv.push(config.bwrap, '--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--hostname', 'model');
  if (spec.network) argv.push('--share-net');
  argv.push('--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/sbin', '/sbin');
  for (const f of spec.network ? [...ETC, ...ETC_NET] : ETC) argv.push('--ro-bind-try', f, f);
  argv.push('--proc', '/proc', '--dev', '/dev');
  argv.push('--size', String(l.tmpMb * MB), '--tmpfs', '/tmp');
  argv.push('--size', String(Math.min(64, l.tmpMb) * MB), '--tmpfs', '/dev/shm');
  argv.push('--ro-bind', config.nodeModules, SANDBOX_NODE_MODULES);
  if (spec.bundleDir) argv.push('--ro-bind', spec.bundleDir, SANDBOX_BUNDLE);
  if (spec.hostDir) argv.push('--ro-bind', spec.hostDir, spec.hostDir);
  argv.push('--remount-ro', '/', '--chdir', spec.cwd, '--', ...spec.command);
  return argv;
}
