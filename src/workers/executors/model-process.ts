import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface ProcessSpec {
  /** The full argv, sandbox wrapper included. */
  command: string[];
  cwd: string;
  /** The process's whole environment: nothing of the worker's is inherited. */
  env: Record<string, string>;
  /** How messages name the program (the model's own command, not the sandbox's wrapper). */
  label?: string;
}

type Line = { id: string; output?: Record<string, unknown>; error?: string };

interface Pending {
  resolve: (line: Line) => void;
  startedAt: number;
}

/** Why a process stopped answering, kept for the items it left behind. */
export interface Failure {
  code: 'MODEL_CRASHED' | 'MODEL_TIMEOUT' | 'MODEL_PROTOCOL';
  message: string;
}

const STDERR_KEEP = 4000;

/**
 * One long-lived model program speaking JSON Lines. Items are written to stdin and matched to
 * answers by id; the process stays warm between tasks.
 */
export class ModelProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<string, Pending>();
  private stderrTail = '';
  private garbage: string[] = [];
  private exited: { code: number | null; signal: string | null; error?: string } | undefined;
  private readonly exitWaiters: (() => void)[] = [];
  private nextId = 0;
  lastActivity = Date.now();

  constructor(readonly spec: ProcessSpec) {
    const [cmd, ...args] = spec.command;
    this.child = spawn(cmd, args, {
      cwd: spec.cwd,
      env: { ...spec.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so killing a model also kills what it started (xtb, vina, …).
      detached: true,
    });
    this.child.stdin.on('error', () => {}); // EPIPE after a crash is reported through 'exit'
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    this.child.on('error', (err) => this.onExit(null, null, err.message));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  stderr(): string {
    return this.stderrTail.trim();
  }

  private onLine(raw: string): void {
    this.lastActivity = Date.now();
    const text = raw.trim();
    if (!text) return;
    let line: Line | undefined;
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && typeof parsed.id === 'string') line = parsed as Line;
    } catch {
      /* falls through to garbage */
    }
    const waiter = line && this.pending.get(line.id);
    if (!line || !waiter) {
      if (this.garbage.length < 5) this.garbage.push(text.slice(0, 200));
      return;
    }
    this.pending.delete(line.id);
    waiter.resolve(line);
  }

  private onExit(code: number | null, signal: string | null, error?: string): void {
    if (this.exited) return;
    this.exited = { code, signal, error };
    this.exitWaiters.splice(0).forEach((w) => w());
  }

  /** Why this process is unusable, phrased for the items it was working on. */
  describeExit(): Failure {
    if (this.killReason) return this.killReason;
    const e = this.exited;
    const cmd = this.spec.label ?? this.spec.command.join(' ');
    const tail = this.stderr() ? `; its stderr ends with: ${this.stderr().slice(-500)}` : '';
    if (e?.error) return { code: 'MODEL_CRASHED', message: `could not start \`${cmd}\` in ${this.spec.cwd}: ${e.error}` };
    const how = e?.signal ? `was killed by ${e.signal}` : `exited with code ${e?.code}`;
    return { code: 'MODEL_CRASHED', message: `the model process ${how} before answering this item${this.garbageNote()}${tail}` };
  }

  garbageNote(): string {
    return this.garbage.length ? `; it printed lines that are not JSON Lines answers: ${JSON.stringify(this.garbage[0])}` : '';
  }

  /**
   * Sends one item and resolves with its answer, or with a failure when the process exits or
   * goes silent for `silenceMs` (then it is killed: a hung model never holds a worker).
   */
  async request(input: Record<string, unknown>, silenceMs: number): Promise<{ line: Line } | { failure: Failure }> {
    if (this.exited) return { failure: this.describeExit() };
    const id = String(this.nextId++);
    const answer = new Promise<Line>((resolve) => this.pending.set(id, { resolve, startedAt: Date.now() }));
    this.child.stdin.write(`${JSON.stringify({ id, input })}\n`);
    const exit = new Promise<'exit'>((resolve) => (this.exited ? resolve('exit') : this.exitWaiters.push(() => resolve('exit'))));
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const waitMs = Math.max(10, this.lastActivity + silenceMs - Date.now());
      const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), waitMs)));
      const winner = await Promise.race([answer, exit, tick]);
      clearTimeout(timer);
      if (typeof winner === 'object') return { line: winner };
      if (winner === 'tick' && Date.now() - this.lastActivity < silenceMs) continue; // busy on other items
      this.pending.delete(id);
      if (winner === 'tick') this.killFor(this.silenceFailure(silenceMs));
      return { failure: this.describeExit() };
    }
  }

  private silenceFailure(silenceMs: number): Failure {
    const stderr = this.stderr() ? `; its stderr ends with: ${this.stderr().slice(-300)}` : '';
    return {
      code: this.garbage.length ? 'MODEL_PROTOCOL' : 'MODEL_TIMEOUT',
      message: `the model gave no answer within ${silenceMs} ms, so its process was killed${this.garbageNote()}${stderr}`,
    };
  }

  private killReason: Failure | undefined;

  /** Kills the process; its pending and later items fail with `reason`. */
  killFor(reason: Failure): void {
    this.killReason ??= reason;
    this.kill();
  }

  kill(): void {
    if (this.exited) return;
    try {
      if (this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
      else this.child.kill('SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /** Closes stdin (the contract's "no more work") and waits briefly before killing. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    this.child.stdin.end();
    await Promise.race([
      new Promise<void>((resolve) => this.exitWaiters.push(resolve)),
      new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    this.kill();
  }
}

export function resolveCwd(cwd: string | undefined, root: string): string {
  if (!cwd) return root;
  return path.isAbsolute(cwd) ? cwd : path.join(root, cwd);
}
