import { describeError } from '@/lib/errors';
import type { ErrorCode } from '@/server/errors';

/** An error as the gateway reports it: the code, and the message that says what to fix. */
export function ErrorBox({
  error,
  code,
  message,
  testId = 'error',
}: {
  error?: unknown;
  code?: ErrorCode;
  message?: string;
  testId?: string;
}) {
  const e = error !== undefined ? describeError(error) : { code: code ?? 'INTERNAL', message: message ?? '' };
  return (
    <div className="alert alert-error" role="alert" data-testid={testId}>
      <span className="error-code" data-testid={`${testId}-code`}>
        {e.code}
      </span>
      <span data-testid={`${testId}-message`}>{e.message}</span>
    </div>
  );
}
