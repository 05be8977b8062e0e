import type { ReactNode } from 'react';

/** A failed run of the example: the code, and the full message (it carries the model's stderr). */
export function SmokeFailure({ code, message, children, testId }: { code: string | null; message: string | null; children?: ReactNode; testId: string }) {
  return (
    <div className="alert alert-error smoke-failure" role="alert" data-testid={testId}>
      <span className="error-code" data-testid={`${testId}-code`}>
        {code ?? 'MODEL_ERROR'}
      </span>
      <pre className="smoke-message" data-testid={`${testId}-message`}>
        {message ?? 'the model failed without a message'}
      </pre>
      {children}
    </div>
  );
}
