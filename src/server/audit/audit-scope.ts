import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditChannel } from '../db/types';

/**
 * The request a mutation runs for: which surface it came through, its request id and procedure,
 * and the audit entries written for it so far. The tRPC middleware opens one per mutation call;
 * `audit()` reads it, so services keep their `(deps, viewer, input)` signature.
 */
export interface AuditScope {
  channel: AuditChannel;
  requestId: string | null;
  procedure: string | null;
  /** Ids of the entries `audit()` wrote in this call (committed or not: the middleware checks). */
  written: string[];
  /** Set when the call is recorded as one entry after it ends (several steps, no one transaction). */
  deferred?: boolean;
}

const storage = new AsyncLocalStorage<AuditScope>();

export function runInAuditScope<T>(scope: AuditScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

/** The scope of the mutation running now, if any (none in workers, seeding and scripts). */
export function currentAuditScope(): AuditScope | undefined {
  return storage.getStore();
}

/**
 * Marks the running call as recorded by the middleware once it ends, with its input and outcome:
 * for calls of several steps (a manifest registration creates, smoke-tests and publishes), whose
 * nested steps therefore write no entries of their own.
 */
export function auditCallAsOne(): void {
  const scope = storage.getStore();
  if (scope) scope.deferred = true;
}
