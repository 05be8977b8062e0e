import type { ReactNode } from 'react';
import { BusyLabel } from './busy-label';

/** A page, or a part of one, waiting for its data: a spinner and what it is loading. */
export function PageLoading({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="page-loading" data-testid={testId}>
      <BusyLabel>{children}</BusyLabel>
    </div>
  );
}
