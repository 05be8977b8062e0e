/** Every failure a caller can see has one of these codes. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  'MODEL_ERROR',
  'MODEL_CRASHED',
  'MODEL_TIMEOUT',
  'MODEL_PROTOCOL',
  'QUORUM_NOT_MET',
  'CANCELLED',
  'TIMEOUT',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes for which trying again later may succeed; workers retry these and nothing else. */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set(['UNAVAILABLE', 'INTERNAL']);

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (typeof e === 'object' && e !== null && (e as AppError).name === 'AppError' && 'code' in e);
}

// Connection failures and PostgreSQL's "cannot serve now" classes (08 connection, 57P admin
// shutdown / crash recovery / cannot connect now, 53 insufficient resources).
const DB_OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300']);
const DB_OUTAGE_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)|timeout exceeded when trying to connect/i;

/** Whether an error says the database could not be reached or cannot serve right now. */
export function isDatabaseOutage(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown; errors?: unknown[] } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (DB_OUTAGE_CODES.has(code) || code.startsWith('08')) return true;
  if (Array.isArray(err.errors) && err.errors.some(isDatabaseOutage)) return true;
  return typeof err.message === 'string' && DB_OUTAGE_MESSAGES.test(err.message);
}

/**
 * A value the database refused (PostgreSQL's class 22, "data exception": a NUL byte in text, an
 * integer out of range, JSON it cannot store), or a value too deep to process: the request's
 * fault, never the server's. Services check inputs before this; it is the last line.
 */
export function asInputRefusal(e: unknown): AppError | null {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return null;
  const message = typeof err.message === 'string' ? err.message : '';
  if (typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code)) {
    return new AppError('INVALID_INPUT', `the database refused a value of this request (${message}); check text for NUL bytes and numbers for their range`);
  }
  if (e instanceof RangeError && /call stack/i.test(message)) {
    return new AppError('INVALID_INPUT', 'the request is nested too deeply to process; flatten it');
  }
  return null;
}

/**
 * Anything thrown, as an AppError: a database that cannot be reached becomes UNAVAILABLE, and
 * other unknown errors INTERNAL (both count as transient).
 */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (isDatabaseOutage(e)) return new AppError('UNAVAILABLE', `the database is unavailable right now (${message}); try again shortly`);
  return new AppError('INTERNAL', message);
}
