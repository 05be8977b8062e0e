import type { ReactNode } from 'react';

/** A spinner before what is under way, e.g. inside a button while its request runs. */
export function BusyLabel({ children }: { children: ReactNode }) {
  return (
    <>
      <span className="spinner" aria-hidden /> {children}
    </>
  );
}
