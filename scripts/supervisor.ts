/**
 * Keeps `npm start`'s children running: a child that exits (with a code or killed by a signal)
 * is started again after a backoff that grows while it keeps failing, and the reason is logged.
 * In production Kubernetes restarts pods instead, so this stays small.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

interface Supervised {
  spec: ChildSpec;
  child?: ChildProcess;
  failures: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
}

const MAX_BACKOFF_MS = 30_000;
/** A child that ran this long is considered healthy again: its backoff starts over. */
const HEALTHY_AFTER_MS = 60_000;

export class Supervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;

  constructor(private readonly log: (line: string) => void) {}

  start(spec: ChildSpec): void {
    const s: Supervised = { spec, failures: 0, startedAt: 0 };
    this.children.push(s);
    this.launch(s);
  }

  private launch(s: Supervised): void {
    s.timer = undefined;
    if (this.stopping) return;
    // Node binaries directly (no npx/sh in between), so signals reach the real processes.
    const child = spawn(s.spec.command, s.spec.args, { cwd: s.spec.cwd, stdio: 'inherit', env: s.spec.env });
    s.child = child;
    s.startedAt = Date.now();
    this.log(`${s.spec.name} started (pid ${child.pid})`);
    child.on('error', (e) => this.log(`${s.spec.name} could not start: ${e.message}`));
    child.on('exit', (code, signal) => {
      s.child = undefined;
      if (this.stopping) return;
      if (Date.now() - s.startedAt > HEALTHY_AFTER_MS) s.failures = 0;
      s.failures++;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (s.failures - 1));
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.log(`${s.spec.name} ${how}; restarting it in ${(delay / 1000).toFixed(1)} s (failure ${s.failures} in a row)`);
      s.timer = setTimeout(() => this.launch(s), delay);
    });
  }

  /** SIGTERM to every child, SIGKILL to those still running after `graceMs`; resolves when all have exited. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.children.map(async (s) => {
        if (s.timer) clearTimeout(s.timer);
        const child = s.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
        });
      }),
    );
  }
}
