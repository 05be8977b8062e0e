import { createHash } from 'node:crypto';
import type { AuditChannel } from '../db/types';
import { canonicalJson } from '../../shared/canonical-json';

/** What the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** An entry's content: every column but its own hash. */
export interface AuditEntryContent {
  seq: number;
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  channel: AuditChannel;
  requestId: string | null;
  procedure: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  before: unknown;
  after: unknown;
  input: unknown;
  outcome: 'ok' | 'error';
  errorCode: string | null;
  errorMessage: string | null;
  prevHash: string;
}

/**
 * The one definition of an entry's hash: sha256 over the canonical JSON of its content (keys
 * sorted, the time as ISO 8601, JSON values as jsonb gives them back) including the previous
 * entry's hash. The writer and `audit:verify` both call this, so they cannot disagree.
 */
export function entryHash(e: AuditEntryContent): string {
  const content = {
    v: 1,
    seq: e.seq,
    id: e.id,
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorEmail: e.actorEmail,
    actorRole: e.actorRole,
    channel: e.channel,
    requestId: e.requestId,
    procedure: e.procedure,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    before: e.before ?? null,
    after: e.after ?? null,
    input: e.input ?? null,
    outcome: e.outcome,
    errorCode: e.errorCode,
    errorMessage: e.errorMessage,
    prevHash: e.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Why the chain breaks at an entry, or null when the entry is sound after `prev`. */
export function chainProblem(e: AuditEntryContent & { hash: string }, prev: { seq: number; hash: string }): string | null {
  if (e.seq !== prev.seq + 1) {
    return e.seq > prev.seq + 1
      ? `entries #${prev.seq + 1}–#${e.seq - 1} are missing before it (removed from the log)`
      : `its position #${e.seq} repeats or goes back after #${prev.seq}`;
  }
  if (e.prevHash !== prev.hash) return `it links to ${short(e.prevHash)}, but the entry before it hashes to ${short(prev.hash)} (an entry was replaced or inserted)`;
  const actual = entryHash(e);
  if (actual !== e.hash) return `its content hashes to ${short(actual)}, not to the ${short(e.hash)} it was written with (it was changed after it was written)`;
  return null;
}

const short = (h: string) => `${h.slice(0, 12)}…`;
