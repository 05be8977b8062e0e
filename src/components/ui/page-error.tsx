import Link from 'next/link';
import { ErrorBox } from './error-box';

/** A page whose data could not be loaded: the way back to its list, and the error. */
export function PageError({ error, backHref, backLabel, testId }: { error: unknown; backHref: string; backLabel: string; testId: string }) {
  return (
    <div className="stack">
      <p>
        <Link href={backHref}>{backLabel}</Link>
      </p>
      <ErrorBox error={error} testId={testId} />
    </div>
  );
}
