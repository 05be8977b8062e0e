import { TRPCClientError } from '@trpc/client';
import type { ErrorCode } from '@/server/errors';

interface ErrorData {
  appCode?: string;
  httpStatus?: number;
}

function dataOf(err: unknown): ErrorData | undefined {
  return err instanceof TRPCClientError ? (err.data as ErrorData | undefined) : undefined;
}

/** The gateway's error code (INVALID_INPUT, NOT_FOUND, …) and the message that says what to fix. */
export function describeError(err: unknown): { code: ErrorCode; message: string } {
  const data = dataOf(err);
  const message = err instanceof Error ? err.message : String(err);
  // No code means no answer from the gateway (offline, restarting): it is unavailable.
  return { code: (data?.appCode as ErrorCode | undefined) ?? 'UNAVAILABLE', message };
}

export function errorStatus(err: unknown): number | undefined {
  return dataOf(err)?.httpStatus;
}
