import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export interface ProcessSpec {
  /** The full argv, sandbox wrapper included. */
  command: string[];
  cwd: string;
  /** The process's whole environment: nothing of the worker's is inherited. */
  env?: Record<string, string>;
  /** How messages name the program (the model's own command, not the sandbox's wrapper). */
  label?: string;
}

type Line = { id: string; output?: Record<string, unknown>; error?: string };

/** Why a process stopped answering, kept for the items it left behind. */
export interface Failure {
  code: 'MODEL_CRASHED' | 'MODEL_TIMEOUT' | 'MODEL_PROTOCOL' | 'CANCELLED';
  message: string;
}

interface Pending {
  resolve: (answer: { line: Line } | { failure: Failure }) => void;
  sentAt: number;
  timeoutMs: number;
}

export interface ModelProcessOptions {
  /** Longest stdout line accepted; a longer one is a protocol error and the process is killed. */
  maxLineBytes?: number;
}

const STDERR_KEEP = 4000;
const DEFAULT_MAX_LINE_BYTES = Number(process.env.MODEL_MAX_LINE_BYTES ?? 16 * 1024 * 1024);
/**
 * A fresh process's first answer may also take its start-up (importing libraries, loading
 * weights, a cold tsx compile in a private /tmp): that much longer than the item's timeout.
 */
const START_GRACE_MS = Number(process.env.MODEL_START_GRACE_MS ?? 10_000);

/**
 * One long-lived model program speaking JSON Lines. Items are written to stdin and matched to
 * answers by id; the process stays warm between tasks.
 *
 * Deadlines: the oldest unanswered item must be answered within its `timeoutMs`, counted from
 * when the model could start on it — when it was sent, or when the item before it was answered,
 * whichever is later. Only answers count as activity: a model that prints progress but never
 * answers is still killed. A killed process fails every item still pending with the reason.
 */
export class ModelProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<string, Pending>();
  private readonly maxLineBytes: number;
  private stderrTail = '';
  private garbage: string[] = [];
  private exited: { code: number | null; signal: string | null; error?: string } | undefined;
  private readonly exitWaiters: (() => void)[] = [];
  private killReason: Failure | undefined;
  private nextId = 0;
  private lastAnswerAt = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** When the last answer came (or the process started): the pool retires processes idle too long. */
  lastUsedAt = Date.now();

  constructor(
    readonly spec: ProcessSpec,
    opts: ModelProcessOptions = {},
  ) {
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const [cmd, ...args] = spec.command;
    this.child = spawn(cmd, args, {
      cwd: spec.cwd,
      env: (spec.env ?? {}) as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so killing a model also kills what it started (xtb, vina, …).
      detached: true,
    });
    this.child.stdin.on('error', () => {}); // EPIPE after a crash is reported through 'exit'
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk));
    this.child.on('error', (err) => this.onExit(null, null, err.message));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
  }

  get alive(): boolean {
    return !this.exited;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stderr(): string {
    return this.stderrTail.trim();
  }

  /** Splits stdout into lines itself, so a line without end cannot grow without bound. */
  private onStdout(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const line = this.partialBytes ? Buffer.concat([...this.partial, piece]).toString('utf8') : piece.toString('utf8');
      this.partial = [];
      this.partialBytes = 0;
      this.onLine(line);
      start = nl + 1;
      if (this.exited || this.killReason) return;
    }
    const rest = chunk.subarray(start);
    if (!rest.length) return;
    this.partialBytes += rest.length;
    if (this.partialBytes > this.maxLineBytes) {
      this.partial = [];
      this.partialBytes = 0;
      this.killFor({
        code: 'MODEL_PROTOCOL',
        message: `the model printed a line longer than ${this.maxLineBytes} bytes without a newline, so its process was killed; answer each item on one line of JSON (MODEL_MAX_LINE_BYTES)`,
      });
      return;
    }
    this.partial.push(Buffer.from(rest));
  }

  private onLine(raw: string): void {
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
    this.lastAnswerAt = Date.now();
    this.lastUsedAt = this.lastAnswerAt;
    waiter.resolve({ line });
    if (this.pending.size === 0) this.stopWatchdog();
  }

  private onExit(code: number | null, signal: string | null, error?: string): void {
    if (this.exited) return;
    this.exited = { code, signal, error };
    this.stopWatchdog();
    const failure = this.describeExit();
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve({ failure });
    }
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
   * Sends one item and resolves with its answer, or with a failure when the process exits, is
   * cancelled, or misses the item's deadline (then it is killed: a hung model never holds a worker).
   */
  request(input: Record<string, unknown>, timeoutMs: number): Promise<{ line: Line } | { failure: Failure }> {
    if (this.exited) return Promise.resolve({ failure: this.describeExit() });
    const id = String(this.nextId++);
    const answer = new Promise<{ line: Line } | { failure: Failure }>((resolve) => {
      this.pending.set(id, { resolve, sentAt: Date.now(), timeoutMs });
    });
    this.child.stdin.write(`${JSON.stringify({ id, input })}\n`);
    this.startWatchdog();
    return answer;
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => this.checkDeadline(), 100);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  /** The oldest unanswered item's clock starts when it was sent or when the previous answer came. */
  private checkDeadline(): void {
    let head: Pending | undefined;
    for (const p of this.pending.values()) if (!head || p.sentAt < head.sentAt) head = p;
    if (!head) return this.stopWatchdog();
    const startedAt = Math.max(head.sentAt, this.lastAnswerAt);
    const grace = this.lastAnswerAt === 0 ? START_GRACE_MS : 0;
    if (Date.now() - startedAt > head.timeoutMs + grace) this.killFor(this.silenceFailure(head.timeoutMs, grace));
  }

  private silenceFailure(timeoutMs: number, graceMs = 0): Failure {
    const stderr = this.stderr() ? `; its stderr ends with: ${this.stderr().slice(-300)}` : '';
    const grace = graceMs ? ` (plus ${graceMs} ms for its process to start)` : '';
    return {
      code: this.garbage.length ? 'MODEL_PROTOCOL' : 'MODEL_TIMEOUT',
      message: `the model gave no answer within ${timeoutMs} ms${grace}, so its process was killed${this.garbageNote()}${stderr}`,
    };
  }

  /** Stops the process because its job was cancelled; its pending items fail as CANCELLED. */
  cancel(): void {
    this.killFor({ code: 'CANCELLED', message: 'the job was cancelled, so its model process was stopped' });
  }

  /** Kills the process; its pending items fail with `reason` (the sandbox's watchdog uses it too). */
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
