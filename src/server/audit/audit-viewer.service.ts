import { z } from 'zod';
import { requireAdmin } from '../admin/require-admin';
import type { Deps } from '../deps';
import type { Viewer } from '../users/viewer';
import { listEntries, type AuditEntry, type AuditFilter } from './audit.repository';

const day = z.iso.date();

/** The admin's filters: who (email or id), what (action or procedure prefix), channel, outcome, and UTC dates (inclusive). */
export const ZAuditFilter = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(200).optional(),
  channel: z.enum(['ui', 'api', 'sdk', 'agent', 'system']).optional(),
  outcome: z.enum(['ok', 'error']).optional(),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(200).optional(),
  requestId: z.string().trim().max(128).optional(),
  from: day.optional(),
  to: day.optional(),
});
export type TAuditFilter = z.infer<typeof ZAuditFilter>;

export const ZAuditListInput = ZAuditFilter.extend({
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).max(10_000_000).default(0),
});

/** At most this many rows go into one CSV export; narrow the filter for more. */
export const CSV_EXPORT_LIMIT = 50_000;

function toFilter(f: TAuditFilter): AuditFilter {
  const to = f.to ? new Date(`${f.to}T00:00:00.000Z`) : undefined;
  if (to) to.setUTCDate(to.getUTCDate() + 1); // the whole last day
  return {
    actor: f.actor || undefined,
    action: f.action || undefined,
    channel: f.channel,
    outcome: f.outcome,
    entityType: f.entityType || undefined,
    entityId: f.entityId || undefined,
    requestId: f.requestId || undefined,
    from: f.from ? new Date(`${f.from}T00:00:00.000Z`) : undefined,
    to,
  };
}

export interface AuditView {
  seq: number;
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  channel: string;
  requestId: string | null;
  procedure: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
  before: unknown;
  after: unknown;
  input: unknown;
  hash: string;
}

const view = (e: AuditEntry): AuditView => ({
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
  outcome: e.outcome,
  errorCode: e.errorCode,
  errorMessage: e.errorMessage,
  before: e.before,
  after: e.after,
  input: e.input,
  hash: e.hash,
});

/** Admins: audit entries matching the filters, newest first. */
export async function listAudit({ db }: Pick<Deps, 'db'>, viewer: Viewer, input: z.infer<typeof ZAuditListInput>) {
  requireAdmin(viewer, 'the audit log');
  const { items, total } = await listEntries(db, toFilter(input), { limit: input.limit, offset: input.offset });
  return { items: items.map(view), total };
}

const COLUMNS: (keyof AuditView)[] = ['seq', 'at', 'actorEmail', 'actorId', 'actorRole', 'channel', 'requestId', 'procedure', 'action', 'entityType', 'entityId', 'outcome', 'errorCode', 'errorMessage', 'before', 'after', 'input', 'hash'];

/**
 * One CSV field (RFC 4180): quoted when needed; a value a spreadsheet would run as a formula
 * (= + - @ at its start) gets a leading apostrophe, since entries hold what users typed.
 */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Admins: the filtered entries as CSV (oldest first, up to CSV_EXPORT_LIMIT rows), header included. */
export async function exportAuditCsv({ db }: Pick<Deps, 'db'>, viewer: Viewer, f: TAuditFilter): Promise<{ csv: string; rows: number; truncated: boolean }> {
  requireAdmin(viewer, 'the audit log');
  const { items, total } = await listEntries(db, toFilter(f), { limit: CSV_EXPORT_LIMIT, offset: 0 });
  const lines = [COLUMNS.join(','), ...items.reverse().map((e) => COLUMNS.map((c) => csvField(view(e)[c])).join(','))];
  return { csv: `${lines.join('\r\n')}\r\n`, rows: items.length, truncated: total > items.length };
}
