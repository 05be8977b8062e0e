/**
 * Drive a model process from tests the way the gateway does: spawn the
 * manifest's command with cwd = the model folder, write JSON Lines, read
 * answers by id.
 *
 *   const model = startModelProcess(dir, manifest.runtime.command);
 *   model.send('1', { smiles: 'CCO' });
 *   const line = await model.next('1');   // {"id":"1","output":{…}} or {"id":"1","error":"…"}
 *   await model.close();                  // end stdin, resolve with the exit code
 *
 * Waits have no timeouts of their own: rely on the test's timeout, so the
 * harness never fails a slow machine by itself. `next` does reject once the
 * process has exited and its stdout is drained without that answer.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface AnswerLine {
  id: string | number;
  output?: Record<string, unknown>;
  error?: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ModelProcess {
  /** Write one `{"id","input"}` line. */
  send(id: string | number, input: Record<string, unknown>): void;
  /** Write a raw line (for instance one that is not JSON). */
  sendRaw(line: string): void;
  /** The answer for `id`, whether it already came or comes later; rejects if the process ends without it. */
  next(id: string | number): Promise<AnswerLine>;
  /** stdout lines that were not JSON answers, in arrival order. */
  readonly strayStdout: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Whether the process has not exited yet. */
  alive(): boolean;
  /** Resolves when the process exits, however that happens. */
  readonly exited: Promise<Exit>;
  /** Close stdin (the model should then exit by itself) and wait for the exit. */
  close(): Promise<Exit>;
  /** SIGKILL the process and wait for the exit. */
  kill(): Promise<Exit>;
}

export interface Manifest {
  slug: string;
  runtime: { kind: string; command: string[] };
  [key: string]: unknown;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Manifest;
}

export function startModelProcess(dir: string, manifestCommand: string[]): ModelProcess {
  const [command, ...args] = manifestCommand;
  if (!command) throw new Error('manifest command is empty');
  const child = spawn(command, args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });

  const answers = new Map<string, AnswerLine>();
  const waiters = new Map<string, { resolve: (line: AnswerLine) => void; reject: (err: Error) => void }>();
  const strayStdout: string[] = [];
  let stderr = '';
  let running = true;
  let drained = false;

  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    // A spawn failure (e.g. command not found) need not be followed by 'exit'.
    child.on('error', (err) => {
      stderr += `spawn error: ${err.message}\n`;
      running = false;
      resolve({ code: null, signal: null });
    });
  });
  const gone = (id: string) =>
    new Error(`model process ended without answering id ${id}; stderr:\n${stderr}`);
  // 'close' comes after stdout is fully read, so no answer can still be on its way.
  child.on('close', () => {
    drained = true;
    for (const [id, waiter] of waiters) waiter.reject(gone(id));
    waiters.clear();
  });
  // Writing to a process that has died is expected in crash tests.
  child.stdin.on('error', () => {});
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });

  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (text) => {
    let line: AnswerLine;
    try {
      line = JSON.parse(text) as AnswerLine;
    } catch {
      strayStdout.push(text);
      return;
    }
    if (typeof line !== 'object' || line === null || line.id === undefined) {
      strayStdout.push(text);
      return;
    }
    const key = String(line.id);
    const waiter = waiters.get(key);
    if (waiter) {
      waiters.delete(key);
      waiter.resolve(line);
    } else {
      answers.set(key, line);
    }
  });

  const sendRaw = (line: string) => {
    child.stdin.write(line + '\n');
  };

  return {
    send: (id, input) => sendRaw(JSON.stringify({ id, input })),
    sendRaw,
    next(id) {
      const key = String(id);
      const ready = answers.get(key);
      if (ready) {
        answers.delete(key);
        return Promise.resolve(ready);
      }
      if (drained) return Promise.reject(gone(key));
      return new Promise((resolve, reject) => waiters.set(key, { resolve, reject }));
    },
    strayStdout,
    stderr: () => stderr,
    alive: () => running,
    exited,
    close() {
      child.stdin.end();
      return exited;
    },
    kill() {
      if (running) child.kill('SIGKILL');
      return exited;
    },
  };
}
