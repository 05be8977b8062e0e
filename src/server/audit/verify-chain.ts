import type { DbOrTx } from '../db/client';
import { chainProblem, GENESIS_HASH } from './audit-chain';
import * as repo from './audit.repository';

export interface ChainReport {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** The last sound entry's position and hash (what to note down to anchor the log elsewhere). */
  head: { seq: number; hash: string };
  /** The first entry at which the chain breaks, and why. */
  broken?: { seq: number; id: string; at: string; action: string; problem: string };
}

const PAGE = 1000;

/**
 * Walks the whole chain in order and recomputes every hash: the first entry that does not follow
 * from the one before it is named, with the reason. Then checks that the head row agrees with the
 * last entry, so entries removed from the end are caught too.
 */
export async function verifyAuditChain(db: DbOrTx): Promise<ChainReport> {
  let prev = { seq: 0, hash: GENESIS_HASH };
  let entries = 0;
  for (;;) {
    const page = await repo.chainPage(db, prev.seq, PAGE);
    for (const e of page) {
      const problem = chainProblem(e, prev);
      if (problem) {
        return { ok: false, entries, head: prev, broken: { seq: e.seq, id: e.id, at: e.at.toISOString(), action: e.action, problem } };
      }
      prev = { seq: e.seq, hash: e.hash };
      entries++;
    }
    if (page.length < PAGE) break;
  }
  const head = await repo.readHead(db);
  if (head.seq !== prev.seq || head.hash !== prev.hash) {
    const problem =
      head.seq > prev.seq
        ? `the log ends at #${prev.seq}, but its head records #${head.seq}: entries #${prev.seq + 1}–#${head.seq} were removed`
        : `the head records #${head.seq} (${head.hash.slice(0, 12)}…), not the last entry #${prev.seq}: the head was changed`;
    return { ok: false, entries, head: prev, broken: { seq: Math.min(head.seq, prev.seq + 1), id: '(head)', at: '', action: '', problem } };
  }
  return { ok: true, entries, head: prev };
}

/** The report as `npm run audit:verify` prints it. */
export function describeChainReport(r: ChainReport): string {
  if (r.ok) return `audit log OK: ${r.entries} entries, head #${r.head.seq} ${r.head.hash}`;
  const b = r.broken!;
  const which = b.id === '(head)' ? 'the chain head' : `entry #${b.seq} (id ${b.id}, ${b.action}, at ${b.at})`;
  return `audit log BROKEN at ${which}: ${b.problem}. The ${r.entries} entries before it are sound (last #${r.head.seq} ${r.head.hash}).`;
}
