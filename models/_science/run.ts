/**
 * Running external science programs (xtb, MOPAC, Vina, Open Babel) from a model
 * process: each item gets a fresh temp dir, every program call has a deadline,
 * and a failure becomes an Error whose message carries the program's own
 * diagnosis (its stderr tail) — an item error line, never a crashed model.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where per-item work folders go: MGW_SCI_TMPDIR, or the system temp folder. */
function scienceTmp(): string {
  return process.env.MGW_SCI_TMPDIR ?? tmpdir();
}

export interface RunOptions {
  cwd: string;
  /** Kill the program (SIGKILL) after this long. */
  timeoutMs: number;
  /** Added to the model's own environment. OMP_NUM_THREADS defaults to 1. */
  env?: Record<string, string>;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The time limit it ran under. */
  timeoutMs: number;
  /** Why the program could not be started at all (e.g. not on PATH). */
  startError?: string;
  ms: number;
}

/** Output kept per stream: the end is where programs say what went wrong. */
const KEEP_CHARS = 512 * 1024;

export function run(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const shown = [command, ...args].join(' ');
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, OMP_NUM_THREADS: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, Math.max(1, opts.timeoutMs));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString('utf8')).slice(-KEEP_CHARS);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-KEEP_CHARS);
    });
    child.on('error', (err) => {
      spawnError = err.message;
    });
    // 'close' (not 'exit') so both pipes are drained; it also follows a spawn error.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      resolve({ command: shown, code, signal, stdout, stderr, timedOut, timeoutMs: opts.timeoutMs, ms, startError: spawnError });
    });
  });
}

/** The last lines of `text`, at most `maxChars` long, for an error message. */
export function tail(text: string, maxChars = 600): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  let out = '';
  for (let i = lines.length - 1; i >= 0; i--) {
    const next = out ? `${lines[i]}\n${out}` : lines[i]!;
    if (next.length > maxChars) {
      if (!out) out = `…${lines[i]!.slice(-maxChars)}`;
      break;
    }
    out = next;
  }
  return out;
}

/** How a run ended, in words: "exited with code 1", "timed out after 30 s", … */
export function howItEnded(r: RunResult): string {
  if (r.startError) return `could not be started (${r.startError}; is it installed and on PATH?)`;
  if (r.timedOut) return `was stopped at its time limit of ${seconds(r.timeoutMs)}`;
  if (r.signal) return `was killed by ${r.signal}`;
  return `exited with code ${r.code}`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * Throws unless the program exited 0. `diagnosis` is what the program said about
 * the failure; by default the tail of its stderr (or stdout when stderr is empty).
 */
export function ensureOk(r: RunResult, what: string, diagnosis?: string): RunResult {
  if (r.code === 0 && !r.timedOut && !r.startError) return r;
  const said = diagnosis ?? (tail(r.stderr) || tail(r.stdout));
  throw new Error(`${what} failed: \`${r.command}\` ${howItEnded(r)}${said ? `; it said:\n${said}` : ''}`);
}

// Temp dirs still in use, removed if the process leaves while working on them.
const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A model killed with SIGKILL (the gateway's last resort) cannot clean up; its
 * temp dirs are swept by the next science model that starts, once a day old
 * (no item runs that long, so nothing in use is touched).
 */
function sweepStaleDirs(maxAgeMs = 24 * 3600_000): void {
  try {
    for (const name of readdirSync(scienceTmp())) {
      if (!name.startsWith('mgw-sci-')) continue;
      const path = join(scienceTmp(), name);
      try {
        if (Date.now() - statSync(path).mtimeMs > maxAgeMs) rmSync(path, { recursive: true, force: true });
      } catch {
        /* gone already, or not ours to remove */
      }
    }
  } catch {
    /* an unreadable tmpdir is not worth failing start-up for */
  }
}
sweepStaleDirs();

/** Runs `fn` in a fresh temp dir (`mgw-sci-<prefix>-XXXXXX`) and removes the dir afterwards, whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(scienceTmp(), `mgw-sci-${prefix}-`));
  liveDirs.add(dir);
  try {
    return await fn(dir);
  } finally {
    liveDirs.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A queue running at most `concurrency` jobs at a time. The gateway sends a whole
 * batch at once; running the items one after another per process keeps one CPU
 * per warm process (the pool, not the model, decides parallelism) and gives each
 * item the full time budget. `MODEL_CONCURRENCY` overrides the default of 1.
 */
export function limiter(concurrency = Number(process.env.MODEL_CONCURRENCY) || 1) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function limit<T>(job: () => Promise<T>): Promise<T> {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** A per-item deadline: each program call gets whatever time the item has left. */
export class Deadline {
  private readonly end: number;
  constructor(readonly budgetMs: number) {
    this.end = Date.now() + budgetMs;
  }
  /** Time left for the next program; throws when the item's budget is spent. */
  left(what: string): number {
    const ms = this.end - Date.now();
    if (ms < 100) throw new Error(`ran out of time before ${what} (budget ${seconds(this.budgetMs)} per molecule)`);
    return ms;
  }
}

/**
 * Time one item may spend in external programs: 90% of the manifest's `timeoutMs`,
 * so a stuck program is killed and reported as an item error before the gateway
 * gives up on the whole process.
 */
export function itemBudgetMs(mainUrl: string): number {
  const manifest = JSON.parse(readFileSync(join(dirname(fileURLToPath(mainUrl)), 'model.json'), 'utf8')) as { timeoutMs?: number };
  const timeoutMs = manifest.timeoutMs ?? 60_000;
  return Math.floor(timeoutMs * 0.9);
}
