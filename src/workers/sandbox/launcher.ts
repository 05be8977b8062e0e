import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleCwd } from '../../server/bundles/bundles.service';
import type { DbOrTx } from '../../server/db/client';
import { AppError } from '../../server/errors';
import type { TProcessRuntime } from '../../server/models/models.schema';
import type { ModelVersion } from '../../server/models/models.types';
import { findNetworkAllowed, isBuiltInVersion } from '../../server/models/versions.repository';
import { openSecrets } from '../../server/secrets/runtime-secrets';
import type { BundleCache } from '../bundles/bundle-cache';
import { ModelProcess, resolveCwd, type ModelProcessOptions } from '../executors/model-process';
import { SANDBOX_BASE_ENV, SANDBOX_BUNDLE, sandboxArgv } from './bwrap';
import { probeSandbox, type SandboxStatus } from './probe';
import type { SandboxConfig, SandboxLimits } from './sandbox-config';
import { UidPool } from './uid-pool';
import { watch } from './watchdog';

/** How one version's processes start, worked out once per version (and again when an admin's network leave changes). */
interface Plan {
  key: string;
  sandboxed: boolean;
  command: string[];
  /** Host folder the program runs in (unsandboxed), or the bundle / host folder bound inside. */
  hostCwd: string;
  bundleDir?: string;
  hostDir?: string;
  cwd: string;
  env: Record<string, string>;
  /** The manifest's env as stored (secret values sealed): opened only when a process starts. */
  sealedEnv: Record<string, string>;
  network: boolean;
  limits: SandboxLimits;
}

interface Launched {
  plan: Plan;
  retiring: boolean;
}

export interface LauncherOptions {
  /** Folder that host commands' relative cwds are resolved against. */
  root: string;
  db: DbOrTx;
  bundles: BundleCache;
  config: SandboxConfig;
  log?: (line: string) => void;
}

/**
 * Starts model processes the way their version may run: in the sandbox (bubblewrap, a uid of its
 * own, read-only bundle, rlimits, a memory and CPU watchdog), or, for trusted models on a worker
 * whose admin set `GATEWAY_SANDBOX=off`, directly. It refuses what may not run here with
 * UNAVAILABLE and the reason (retried by the queue, since another worker may be able to).
 */
export class Launcher {
  readonly status: Promise<SandboxStatus>;
  private readonly plans = new Map<string, Promise<Plan>>();
  private readonly ready = new Map<string, Plan>();
  private readonly trusted = new Map<string, Promise<boolean>>();
  private readonly launched = new WeakMap<ModelProcess, Launched>();
  private readonly current = new Map<string, string>();
  private readonly uids: UidPool;
  private readonly asRoot = process.getuid?.() === 0;

  constructor(private readonly o: LauncherOptions) {
    this.uids = new UidPool(o.config.uidBase, o.config.uidCount);
    this.status = probeSandbox(o.config).then((s) => {
      const log = o.log ?? (() => {});
      if (s.ok) log(`sandbox: bubblewrap ready; each model process runs as ${s.uids === 'per-sandbox' ? `a uid of its own (${o.config.uidBase}–${o.config.uidBase + o.config.uidCount - 1})` : 'the worker\'s uid in a user namespace'}${o.config.mode === 'off' ? ', but GATEWAY_SANDBOX=off: trusted models run unsandboxed and bundles of users are refused' : ''}`);
      else log(`sandbox: UNAVAILABLE: ${s.reason}. Fix: ${s.fix}.${o.config.mode === 'on' ? ' Until then no process model runs on this worker.' : ''}`);
      return s;
    });
  }

  /** Unpacks the version's bundle and decides how it runs; throws when it may not run here. */
  async prepare(version: ModelVersion): Promise<void> {
    const runtime = version.runtime;
    if (runtime.kind !== 'process') throw new AppError('INTERNAL', `the process executor cannot run a ${runtime.kind} runtime`);
    const base = `${version.id}:${version.digest}`;
    // The admin's network leave is read fresh (it can be withdrawn); only versions that ask pay for it.
    const network = runtime.network === true && (await findNetworkAllowed(this.o.db, version.id));
    const key = `${base}:${network ? 'net' : 'nonet'}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.makePlan(version, runtime, key, network);
      this.plans.set(key, plan);
      plan.catch(() => this.plans.delete(key));
    }
    this.ready.set(key, await plan);
    this.current.set(base, key);
  }

  private async makePlan(version: ModelVersion, runtime: TProcessRuntime, key: string, network: boolean): Promise<Plan> {
    const { config } = this.o;
    const status = await this.status;
    const name = `${version.slug}@${version.version}`;
    let sandboxed: boolean;
    if (config.mode === 'on') {
      if (!status.ok) {
        const trusted = await this.isTrusted(version, runtime);
        throw new AppError(
          'UNAVAILABLE',
          `this worker cannot sandbox model processes: ${status.reason}. Fix: ${status.fix}.${trusted ? ' Until then an admin may set GATEWAY_SANDBOX=off to run built-ins and admins\' host commands without the sandbox (unsafe).' : ' Models uploaded as bundles never run without it.'}`,
        );
      }
      sandboxed = true;
    } else {
      if (!(await this.isTrusted(version, runtime))) {
        throw new AppError(
          'UNAVAILABLE',
          `this worker runs with GATEWAY_SANDBOX=off, so it runs only trusted models (built-ins and admins' host commands); ${name} runs an uploaded bundle, which needs the sandbox`,
        );
      }
      sandboxed = false;
    }
    const limits = this.limitsOf(version, runtime);
    const sealedEnv = runtime.env ?? {};
    if (runtime.bundle) {
      const dir = await this.o.bundles.path(runtime.bundle);
      const inner = bundleCwd(runtime);
      const plan: Plan = sandboxed
        ? { key, sandboxed, command: runtime.command, hostCwd: '/', bundleDir: dir, cwd: path.posix.join(SANDBOX_BUNDLE, inner), env: { ...SANDBOX_BASE_ENV }, sealedEnv, network, limits }
        : { key, sandboxed, command: runtime.command, hostCwd: path.join(dir, inner), cwd: path.join(dir, inner), env: hostEnv(), sealedEnv, network: true, limits };
      this.checkProgram(plan, name);
      return plan;
    }
    // A host command (admins only): in the sandbox it sees its own folder, read-only, and /usr.
    const hostDir = runtime.cwd ? resolveCwd(runtime.cwd, this.o.root) : undefined;
    if (hostDir && sandboxed && config.protectedDirs.some((p) => p === hostDir || p.startsWith(`${hostDir}${path.sep}`) || hostDir === '/')) {
      throw new AppError('INVALID_INPUT', `${name} runs in ${hostDir}, which holds the gateway's own folder or data; give its host command a folder of its own`);
    }
    const plan: Plan = sandboxed
      ? { key, sandboxed, command: runtime.command, hostCwd: '/', hostDir, cwd: hostDir ?? '/tmp', env: { ...SANDBOX_BASE_ENV }, sealedEnv, network, limits }
      : { key, sandboxed, command: runtime.command, hostCwd: hostDir ?? this.o.root, cwd: hostDir ?? this.o.root, env: hostEnv(), sealedEnv, network: true, limits };
    this.checkProgram(plan, name);
    return plan;
  }

  /** A program that is not there fails every item at once with a message that says where it was looked for. */
  private checkProgram(plan: Plan, name: string): void {
    const [program] = plan.command;
    if (!program || !plan.sandboxed) return;
    const visible = (inside: string) => {
      if (inside.startsWith(`${SANDBOX_BUNDLE}/`) && plan.bundleDir) return path.join(plan.bundleDir, inside.slice(SANDBOX_BUNDLE.length));
      if (plan.hostDir && inside.startsWith(`${plan.hostDir}/`)) return inside;
      if (inside.startsWith('/usr/') || /^\/(bin|sbin|lib|lib64)\//.test(inside)) return `/usr${inside.startsWith('/usr/') ? inside.slice(4) : inside}`;
      return undefined;
    };
    const candidates = program.includes('/')
      ? [visible(path.posix.resolve(plan.cwd, program))]
      : ['/usr/bin', '/usr/sbin'].map((d) => path.join(d, program));
    if (candidates.some((c) => c && existsSync(c) && !statSync(c).isDirectory())) return;
    throw new AppError(
      'MODEL_CRASHED',
      `could not start \`${plan.command.join(' ')}\` for ${name}: there is no such program in its sandbox (ENOENT). The sandbox holds /usr (its PATH is /usr/bin:/bin) and the bundle at /bundle; name the bundle's own programs by a path, e.g. ./run.sh`,
    );
  }

  private async isTrusted(version: ModelVersion, runtime: TProcessRuntime): Promise<boolean> {
    // Without a bundle the command was registered by an admin; with one, only built-ins are trusted.
    if (!runtime.bundle) return true;
    let t = this.trusted.get(version.id);
    if (!t) {
      t = isBuiltInVersion(this.o.db, version.id);
      this.trusted.set(version.id, t);
    }
    return t;
  }

  private limitsOf(version: ModelVersion, runtime: TProcessRuntime): SandboxLimits {
    const { defaults: d, maxima: m } = this.o.config;
    const asked = runtime.limits ?? {};
    const memory = Number((version.resources as { memoryMb?: unknown }).memoryMb);
    return {
      memoryMb: Math.min(Number.isFinite(memory) && memory > 0 ? memory : d.memoryMb, m.memoryMb),
      processes: Math.min(asked.processes ?? d.processes, m.processes),
      openFiles: Math.min(asked.openFiles ?? d.openFiles, m.openFiles),
      cpuSeconds: Math.min(asked.cpuSeconds ?? d.cpuSeconds, m.cpuSeconds),
      tmpMb: Math.min(asked.tmpMb ?? d.tmpMb, m.tmpMb),
    };
  }

  /** Starts one process of a prepared version (synchronous: the pool calls it while replacing a dead one). */
  spawn(version: ModelVersion, options: ModelProcessOptions = {}): ModelProcess {
    const key = this.current.get(`${version.id}:${version.digest}`);
    const plan = key ? this.ready.get(key) : undefined;
    if (!plan) throw new AppError('INTERNAL', `${version.slug}@${version.version} was not prepared before its process started`);
    const label = plan.command.join(' ');
    const env = { ...plan.env, ...openSecrets(plan.sealedEnv) };
    if (!plan.sandboxed) {
      const p = new ModelProcess({ command: plan.command, cwd: plan.hostCwd, env, label }, options);
      this.launched.set(p, { plan, retiring: false });
      return p;
    }
    const uid = this.asRoot ? this.uids.take() : undefined;
    const argv = sandboxArgv(this.o.config, { uid, bundleDir: plan.bundleDir, hostDir: plan.hostDir, cwd: plan.cwd, command: plan.command, network: plan.network, limits: plan.limits });
    const p = new ModelProcess({ command: argv, cwd: plan.hostCwd, env, label }, options);
    const state: Launched = { plan, retiring: false };
    this.launched.set(p, state);
    const release = () => uid !== undefined && this.uids.give(uid);
    if (!p.pid) {
      release();
      return p;
    }
    watch(p.pid, {
      memoryMb: plan.limits.memoryMb,
      retireAtCpuSeconds: plan.limits.cpuSeconds * 0.8,
      alive: () => p.alive,
      onMemory: (u) =>
        p.killFor({
          code: 'MODEL_CRASHED',
          message: `the model exceeded its memory limit of ${plan.limits.memoryMb} MB (it used ${Math.round(u.rssMb)} MB), so its process was killed; raise resources.memoryMb or use less memory`,
        }),
      onRetire: () => {
        state.retiring = true;
      },
      onExit: release,
    });
    return p;
  }

  /** Whether a warm process may take more work: alive, under its CPU budget, and started under the version's current plan. */
  usable(version: ModelVersion, p: ModelProcess): boolean {
    const l = this.launched.get(p);
    if (!p.alive || !l) return false;
    if (l.retiring) return false;
    return this.current.get(`${version.id}:${version.digest}`) === l.plan.key;
  }

  /** How many sandbox uids are handed out now (tests check they come back). */
  get uidsInUse(): number {
    return this.uids.inUse;
  }
}

/** An unsandboxed (trusted) model's environment: the host's PATH and nothing secret. */
function hostEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), LANG: process.env.LANG ?? 'C.UTF-8', OMP_NUM_THREADS: '1' };
}
