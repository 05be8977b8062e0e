/** Every failure a caller can see has one of these codes. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'QUOTA_EXCEEDED',
  'MODEL_ERROR',
  'MODEL_CRASHED',
  'MODEL_TIMEOUT',
  'MODEL_PROTOCOL',
  'QUORUM_NOT_MET',
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

/** Anything thrown, as an AppError: unknown errors become INTERNAL (and count as transient). */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('INTERNAL', message);
}
