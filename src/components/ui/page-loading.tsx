import type { ReactNode } from 'react';

/** A page, or a part of one, waiting for its data: a spinner and what it is loading. */
export function PageLoading({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="page-loading" data-testid={testId}>
      <span className="spinner" aria-hidden /> {children}
    </div>
  );
}
