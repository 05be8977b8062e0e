import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import type { Viewer } from '../users/viewer';
import { audit } from './audit.service';
import { verifyAuditChain } from './verify-chain';

let gw: TestGateway;
let admin: Viewer;
let alice: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  admin = await createUser(gw.db, 'admin');
  alice = await createUser(gw.db, 'alice');
});
afterAll(async () => gw?.stop());

const entries = () => gw.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
const lastEntry = async () => (await gw.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow());
const caller = (viewer: Viewer | null, o: { channel?: 'ui' | 'api' | 'sdk' | 'agent'; requestId?: string } = {}) => createCaller({ ...gw.deps, viewer, ...o });

/** Runs `statement` with the append-only trigger off, as only the table's owner can. */
async function withTriggerOff(statement: ReturnType<typeof sql>) {
  await gw.db.transaction().execute(async (tx) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
    await statement.execute(tx);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
  });
}

const root = path.resolve(import.meta.dirname, '../../..');
async function runVerify(): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], { cwd: root, env: { ...process.env, DATABASE_URL: gw.t.url } });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

describe('the audit log', () => {
  it('records a mutation in its own transaction: who, what, before and after, the channel and the request id', async () => {
    const created = await caller(alice, { channel: 'sdk', requestId: 'req-create-1' }).tokens.create({ name: 'ci' });
    const entry = await lastEntry();
    expect(entry).toMatchObject({
      actor_id: alice.id,
      actor_email: alice.email,
      channel: 'sdk',
      request_id: 'req-create-1',
      procedure: 'tokens.create',
      action: 'token.create',
      entity_type: 'token',
      entity_id: created.id,
      outcome: 'ok',
    });
    // The token itself never reaches the log.
    expect(JSON.stringify(entry)).not.toContain(created.token);
    expect(entry.after).toMatchObject({ name: 'ci', token: '[redacted]' });

    await caller(alice, { channel: 'ui', requestId: 'req-revoke-1' }).tokens.revoke({ id: created.id });
    const revoked = await lastEntry();
    expect(revoked).toMatchObject({ action: 'token.revoke', channel: 'ui', before: { name: 'ci', revokedAt: null }, after: { revoked: true } });
    expect((await verifyAuditChain(gw.db)).ok).toBe(true);
  });

  it('keeps no password of a sign-up, and names the new account as who made it', async () => {
    const email = `carol-${Date.now()}@example.test`;
    await gw.db.updateTable('organisation_settings').set({ signup_open: true }).execute();
    await caller(null, { channel: 'ui' }).me.register({ email, password: 'a password nobody may read' });
    const carol = await gw.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    const entry = await lastEntry();
    expect(entry).toMatchObject({ action: 'user.register', actor_id: carol.id, actor_email: email, channel: 'ui', outcome: 'ok' });
    expect(JSON.stringify(entry)).not.toContain('a password nobody may read');
  });

  it('records a refused mutation once, with its input and the error, and nothing of what it would have written', async () => {
    const before = (await entries()).length;
    await expect(caller(alice).versions.publish({ versionId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const after = await entries();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ procedure: 'versions.publish', action: 'versions.publish', outcome: 'error', error_code: 'NOT_FOUND', input: { versionId: '00000000-0000-4000-8000-000000000000' } });
  });

  it('does not record refusals of anonymous callers', async () => {
    const before = (await entries()).length;
    await expect(caller(null).jobs.cancel({ jobId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await entries()).toHaveLength(before);
  });

  it('shrinks long inputs to their size and sha256, so a screen\'s molecules stay out of the log', async () => {
    const inputs = Array.from({ length: 50 }, (_, i) => ({ smiles: `C${'C'.repeat(i)}O` }));
    await expect(caller(alice).jobs.create({ model: 'no-such-model', inputs })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const entry = await lastEntry();
    expect(entry.input).toMatchObject({ model: 'no-such-model', inputs: { $items: 50, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(JSON.stringify(entry)).not.toContain('CCCCCCCCCCO');
  });

  it('serialises concurrent appends: positions stay contiguous and every link holds', async () => {
    const before = (await entries()).length;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => gw.db.transaction().execute((tx) => audit(tx, admin, { action: 'test.concurrent', entity: { type: 'test', id: String(i) } }))),
    );
    const all = await entries();
    expect(all).toHaveLength(before + 40);
    expect(all.map((e) => Number(e.seq))).toEqual(all.map((_, i) => i + 1));
    const report = await verifyAuditChain(gw.db);
    expect(report).toMatchObject({ ok: true, entries: all.length });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the log', async () => {
    await expect(sql`update audit_log set action = 'x' where seq = 1`.execute(gw.db)).rejects.toThrow(/append-only: UPDATE is refused/);
    await expect(sql`delete from audit_log where seq = 1`.execute(gw.db)).rejects.toThrow(/append-only: DELETE is refused/);
    await expect(sql`truncate audit_log`.execute(gw.db)).rejects.toThrow(/append-only: TRUNCATE is refused/);
  });

  it('an entry rolled back with its mutation leaves no trace and no gap', async () => {
    const before = await entries();
    await expect(
      gw.db.transaction().execute(async (tx) => {
        await audit(tx, admin, { action: 'test.rolledBack' });
        throw new Error('the mutation failed after its entry');
      }),
    ).rejects.toThrow('the mutation failed');
    expect(await entries()).toHaveLength(before.length);
    await audit(gw.db, admin, { action: 'test.afterRollback' });
    expect((await verifyAuditChain(gw.db)).ok).toBe(true);
  });

  it('npm run audit:verify passes on a sound chain', async () => {
    const { code, out } = await runVerify();
    expect(out).toMatch(/audit log OK: \d+ entries/);
    expect(code).toBe(0);
  });

  it('tampering with one row (an UPDATE with the trigger off) makes audit:verify fail and name that entry', async () => {
    const all = await entries();
    const victim = all[Math.floor(all.length / 2)];
    await withTriggerOff(sql`update audit_log set actor_email = 'someone-else@example.test' where seq = ${victim.seq}`);

    const report = await verifyAuditChain(gw.db);
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({ seq: Number(victim.seq), id: victim.id });
    expect(report.broken!.problem).toMatch(/changed after it was written/);

    const { code, out } = await runVerify();
    expect(code).toBe(1);
    expect(out).toContain(`entry #${victim.seq} (id ${victim.id}`);
    expect(out).toMatch(/changed after it was written/);
  });

  it('names a removed entry and a removed tail too', async () => {
    // Repair the tampered row first by restoring its actor (its hash then matches again).
    const tampered = (await entries()).find((e) => e.actor_email === 'someone-else@example.test')!;
    const original = (await gw.db.selectFrom('users').select('email').where('id', '=', tampered.actor_id!).executeTakeFirst())?.email ?? null;
    await withTriggerOff(sql`update audit_log set actor_email = ${original} where seq = ${tampered.seq}`);
    expect((await verifyAuditChain(gw.db)).ok).toBe(true);

    const all = await entries();
    const middle = all[3];
    await withTriggerOff(sql`delete from audit_log where seq = ${middle.seq}`);
    const gap = await verifyAuditChain(gw.db);
    expect(gap.broken).toMatchObject({ seq: Number(middle.seq) + 1 });
    expect(gap.broken!.problem).toMatch(`entries #${middle.seq}–#${middle.seq} are missing`);

    const last = all.at(-1)!;
    await withTriggerOff(sql`delete from audit_log where seq >= ${last.seq}`);
    await withTriggerOff(sql`delete from audit_log where seq > ${middle.seq}`);
    const tail = await verifyAuditChain(gw.db);
    expect(tail.broken!.problem).toMatch(/were removed/);
  });
});
