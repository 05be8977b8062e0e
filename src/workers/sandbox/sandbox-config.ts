import path from 'node:path';

/** Limits one sandboxed model process runs under. */
export interface SandboxLimits {
  /** Resident memory of all its processes together; past it the watchdog kills them. */
  memoryMb: number;
  /** Processes and threads at once (RLIMIT_NPROC of its own uid). */
  processes: number;
  /** Open files per process (RLIMIT_NOFILE). */
  openFiles: number;
  /** CPU seconds over the process's life (RLIMIT_CPU); it is retired from the pool at 80 %. */
  cpuSeconds: number;
  /** Size of its private /tmp (tmpfs). */
  tmpMb: number;
}

export interface SandboxConfig {
  /** `on`: every process model runs in the sandbox. `off` (unsafe): trusted ones run without it, bundles of users not at all. */
  mode: 'on' | 'off';
  bwrap: string;
  setpriv: string;
  prlimit: string;
  /** First uid of the range the sandboxes run as (when the worker is root), and how many. */
  uidBase: number;
  uidCount: number;
  /** What a version gets when its manifest says nothing. */
  defaults: SandboxLimits;
  /** What no version gets beyond. */
  maxima: SandboxLimits;
  /** The gateway's node_modules, bound read-only at /node_modules. */
  nodeModules: string;
  /** Folders that a host command's cwd must not contain (the checkout, the data folder). */
  protectedDirs: string[];
}

const num = (env: Record<string, string | undefined>, name: string, fallback: number) => {
  const v = Number(env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};

/**
 * The sandbox's settings: `GATEWAY_SANDBOX` (`on`, the default, or `off`), the tools' paths,
 * `GATEWAY_SANDBOX_UID_BASE`/`_UIDS`, and defaults and maxima of each limit
 * (`GATEWAY_SANDBOX_MEMORY_MB`, `_PROCESSES`, `_OPEN_FILES`, `_CPU_SECONDS`, `_TMP_MB`, each with a `_MAX` twin).
 */
export function sandboxConfig(root: string, env: Record<string, string | undefined> = process.env): SandboxConfig {
  const mode = (env.GATEWAY_SANDBOX ?? 'on').toLowerCase();
  if (mode !== 'on' && mode !== 'off') throw new Error(`GATEWAY_SANDBOX must be "on" or "off", not "${env.GATEWAY_SANDBOX}"`);
  const limits = (suffix: '' | '_MAX', base: SandboxLimits): SandboxLimits => ({
    memoryMb: num(env, `GATEWAY_SANDBOX_MEMORY_MB${suffix}`, base.memoryMb),
    processes: num(env, `GATEWAY_SANDBOX_PROCESSES${suffix}`, base.processes),
    openFiles: num(env, `GATEWAY_SANDBOX_OPEN_FILES${suffix}`, base.openFiles),
    cpuSeconds: num(env, `GATEWAY_SANDBOX_CPU_SECONDS${suffix}`, base.cpuSeconds),
    tmpMb: num(env, `GATEWAY_SANDBOX_TMP_MB${suffix}`, base.tmpMb),
  });
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(root, '.data'));
  return {
    mode,
    bwrap: env.GATEWAY_SANDBOX_BWRAP ?? '/usr/bin/bwrap',
    setpriv: env.GATEWAY_SANDBOX_SETPRIV ?? '/usr/bin/setpriv',
    prlimit: env.GATEWAY_SANDBOX_PRLIMIT ?? '/usr/bin/prlimit',
    uidBase: num(env, 'GATEWAY_SANDBOX_UID_BASE', 810_000),
    uidCount: num(env, 'GATEWAY_SANDBOX_UIDS', 1000),
    defaults: limits('', { memoryMb: 2048, processes: 256, openFiles: 1024, cpuSeconds: 3600, tmpMb: 256 }),
    maxima: limits('_MAX', { memoryMb: 16_384, processes: 1024, openFiles: 65_536, cpuSeconds: 86_400, tmpMb: 4096 }),
    nodeModules: path.join(root, 'node_modules'),
    protectedDirs: [path.resolve(root), dataDir],
  };
}
