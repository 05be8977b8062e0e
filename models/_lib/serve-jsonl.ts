/**
 * Serve the model contract: JSON Lines on stdin, JSON Lines on stdout.
 *
 *   in:  {"id": "...", "input": {...}}
 *   out: {"id": "...", "output": {...}}  or  {"id": "...", "error": "..."}
 *
 * The process is long-lived (the gateway keeps a warm pool), so callers load
 * their libraries once before calling serveJsonl and the handler does per-item
 * work only. A failing item becomes an error line; it never kills the process.
 */
import { createInterface } from 'node:readline';

export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;
export type Handler = (input: Input) => Promise<Output> | Output;

type Id = string | number;

// stdout on a Linux pipe is written synchronously, so each line leaves at once
// rather than when some buffer fills: the pool sees results as they happen.
function writeLine(message: { id: Id; error: string }): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

/** Write an answer; an output JSON cannot carry (e.g. a BigInt) becomes an error line. */
function answer(id: Id, output: Output): void {
  let line: string;
  try {
    line = JSON.stringify({ id, output });
  } catch (err) {
    line = JSON.stringify({ id, error: `output is not JSON-serialisable: ${errorMessage(err)}` });
  }
  process.stdout.write(line + '\n');
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  // WASM exceptions (e.g. from RDKit) are not Errors and stringify uselessly.
  return `unexpected failure: ${String(err)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Read a required non-empty string field, with a message a user can act on. */
export function requireString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string') throw new Error(`input.${field} must be a string`);
  if (value.trim() === '') throw new Error(`input.${field} must not be empty`);
  return value;
}

export function serveJsonl(handler: Handler): void {
  const pending = new Set<Promise<void>>();
  const log = (message: string) => process.stderr.write(`${message}\n`);

  // If the reader is gone nobody can receive our answers: stop instead of
  // crashing on EPIPE with an unhandled error.
  process.stdout.on('error', () => process.exit(0));

  // Sync handlers answer before the next line is even looked at, so output
  // order follows input order and an item is never held back by a later one
  // (readline emits a whole chunk of lines in one tick).
  const handle = (id: Id, input: Input): void => {
    let result: ReturnType<Handler>;
    try {
      result = handler(input);
    } catch (err) {
      writeLine({ id, error: errorMessage(err) });
      return;
    }
    if (!(result instanceof Promise)) {
      answer(id, result);
      return;
    }
    const job = result.then(
      (output) => answer(id, output),
      (err: unknown) => writeLine({ id, error: errorMessage(err) }),
    );
    pending.add(job);
    void job.finally(() => pending.delete(job));
  };

  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });

  rl.on('line', (line) => {
    if (line.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      log(`ignoring a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (!isRecord(message) || (typeof message.id !== 'string' && typeof message.id !== 'number')) {
      // Without an id there is nobody to address an error line to.
      log(`ignoring a line without a string or number "id": ${line.slice(0, 200)}`);
      return;
    }
    const { id, input } = message;
    if (!isRecord(input)) {
      writeLine({ id, error: 'missing "input" object' });
      return;
    }
    handle(id, input);
  });

  rl.on('close', () => {
    // Answer everything already received, then leave with code 0.
    void Promise.all(pending).then(() => {
      process.stdout.write('', () => process.exit(0));
    });
  });
}
