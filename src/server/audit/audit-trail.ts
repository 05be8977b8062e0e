import type { DbOrTx } from '../db/client';
import type { AuditChannel } from '../db/types';
import type { Viewer } from '../users/viewer';
import { currentAuditScope, runInAuditScope, type AuditScope } from './audit-scope';
import { anyCommitted, audit, type AuditActor } from './audit.service';

export type CallOutcome = { ok: true; data: unknown } | { ok: false; code: string; message: string };

/** The entity a call touched, as far as its answer or input names one. */
function entityOf(procedure: string, input: unknown, data: unknown): { type: string; id: string } | null {
  const type = procedure.split('.')[0];
  for (const source of [data, input]) {
    if (!source || typeof source !== 'object') continue;
    const s = source as Record<string, unknown>;
    for (const key of ['id', 'versionId', 'jobId', 'slug']) if (typeof s[key] === 'string') return { type, id: s[key] as string };
  }
  return null;
}

/**
 * Runs one mutation call in an audit scope and makes sure it leaves exactly one entry: the one its
 * service wrote in its own transaction, or else (the service does not audit itself, the call has
 * several steps, or it failed and its transaction rolled back) one written here after the fact,
 * with the call's input and outcome. Refusals of anonymous callers are not recorded: they changed
 * nothing, and recording them would let anyone grow the chain.
 */
export async function auditedCall<R extends { ok: boolean }>(
  ctx: { db: DbOrTx; viewer: Viewer | null; channel?: AuditChannel; requestId?: string },
  call: { procedure: string; rawInput: () => Promise<unknown> },
  run: () => Promise<R>,
  outcomeOf: (result: R) => CallOutcome,
): Promise<R> {
  const outer = currentAuditScope();
  // A procedure called from inside another one (a server-side caller in a service) is part of that call.
  if (outer) return run();
  const scope: AuditScope = { channel: ctx.channel ?? 'api', requestId: ctx.requestId ?? null, procedure: call.procedure, written: [] };
  const result = await runInAuditScope(scope, run);
  const outcome = outcomeOf(result);
  if (!ctx.viewer && !outcome.ok) return result;
  try {
    if (!scope.deferred && scope.written.length && (await anyCommitted(ctx.db, scope.written))) return result;
    const input = await call.rawInput().catch(() => null);
    const viewer = ctx.viewer ?? viewerFromAnswer(call.procedure, outcome);
    await runInAuditScope({ ...scope, deferred: false }, () =>
      audit(ctx.db, viewer, {
        action: call.procedure,
        entity: entityOf(call.procedure, input, outcome.ok ? outcome.data : null),
        input,
        after: outcome.ok ? outcome.data : null,
        outcome: outcome.ok ? { ok: true } : outcome,
      }),
    );
  } catch (e) {
    // The mutation's own outcome stands; an entry that could not be written is loud in the log.
    console.error(`[audit] could not record ${call.procedure}:`, e);
  }
  return result;
}

/** A sign-up has no viewer yet: the account it created is who made it. */
function viewerFromAnswer(procedure: string, outcome: CallOutcome): AuditActor | null {
  if (procedure !== 'me.register' || !outcome.ok) return null;
  const d = outcome.data as Partial<Viewer> | null;
  return d?.id && d.email && d.role ? { id: d.id, email: d.email, role: d.role } : null;
}
