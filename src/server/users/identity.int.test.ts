import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startTestGateway, until, type TestGateway } from '../../../test/support';
import { createCaller } from '../api/root';
import { edgeLimiters } from '../api/trpc';
import { revokeAnyToken, updateSignUpSettings, updateUser } from './admin-users.service';
import { endSession, revokeSessionsOf, startSession } from './sessions.service';
import { signUp } from './signup.service';
import { forgetTokenViewers } from './token-viewer-cache';
import { authenticate, createApiToken, revokeApiToken, viewerFromSession, viewerFromToken } from './users.service';
import type { Viewer } from './viewer';

let gw: TestGateway;
let admin: Viewer;
let alice: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  admin = await createUser(gw.db, 'admin');
  alice = await createUser(gw.db, 'alice');
});
afterAll(async () => gw?.stop());

const session = async (v: Viewer) => startSession(gw.deps, { userId: v.id, ip: '10.0.0.1', userAgent: 'test', maxAgeSeconds: 3600 });

describe('sessions', () => {
  it('stop working at sign-out, at an admin’s revocation and when the account is disabled', async () => {
    const s1 = await session(alice);
    expect((await viewerFromSession(gw.deps, s1.id))?.auth).toEqual({ kind: 'session', sessionId: s1.id });
    await endSession(gw.deps, s1.id);
    expect(await viewerFromSession(gw.deps, s1.id)).toBeNull();

    const [s2, s3] = [await session(alice), await session(alice)];
    expect(await revokeSessionsOf(gw.deps, admin, { userId: alice.id })).toEqual({ revoked: 2 });
    expect(await viewerFromSession(gw.deps, s2.id)).toBeNull();
    expect(await viewerFromSession(gw.deps, s3.id)).toBeNull();

    const bob = await createUser(gw.db, 'bob');
    const s4 = await session(bob);
    const token = await createApiToken(gw.deps, bob, { name: 'ci' });
    await updateUser(gw.deps, admin, { userId: bob.id, disabled: true });
    expect(await viewerFromSession(gw.deps, s4.id)).toBeNull();
    expect(await viewerFromToken(gw.deps, token.token)).toBeNull();
  });
});

describe('sign-in and sign-up', () => {
  it('locks an email after repeated failures, whether or not it has an account, with the same words', async () => {
    const tries = async (email: string) => {
      for (let i = 0; i < 5; i++) expect(await authenticate(gw.deps, null, { email, password: 'wrong password', ip: null })).toBeNull();
      return authenticate(gw.deps, null, { email, password: 'correct horse battery', ip: null }).then(
        () => 'signed in',
        (e) => `${e.code}: ${e.message.replace(/\d+/g, 'N')}`,
      );
    };
    const real = await tries(alice.email);
    const unknown = await tries('nobody-here@example.test');
    expect(real).toMatch(/^RATE_LIMITED/);
    expect(unknown).toBe(real);
  });

  it('locks an address that tries many emails', async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < 20; i++) await authenticate(gw.deps, null, { email: `spray-${i}@example.test`, password: 'wrong password', ip });
    await expect(authenticate(gw.deps, null, { email: admin.email, password: 'correct horse battery', ip })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // From elsewhere the account still signs in.
    expect(await authenticate(gw.deps, null, { email: admin.email, password: 'correct horse battery', ip: '198.51.100.7' })).toMatchObject({ id: admin.id });
  });

  it('answers sign-up alike for a new and a taken email, and refuses it while sign-up is closed', async () => {
    await updateSignUpSettings(gw.deps, admin, { open: false, domains: [] });
    await expect(signUp(gw.deps, null, { email: 'closed@example.test', password: 'correct horse battery' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await updateSignUpSettings(gw.deps, admin, { open: true });
    const fresh = await signUp(gw.deps, null, { email: 'fresh@example.test', password: 'correct horse battery' });
    const taken = await signUp(gw.deps, null, { email: alice.email, password: 'another password' });
    expect(Object.keys(taken)).toEqual(Object.keys(fresh));
    expect(taken).toEqual({ ok: true, email: alice.email.toLowerCase() });
  });
});

describe('API tokens', () => {
  it('carry scopes within the role, expire, record their use and can be revoked by their owner or an admin', async () => {
    const reader = await createApiToken(gw.deps, alice, { name: 'reader', scopes: ['read'], expiresInDays: 1 });
    const asReader = (await viewerFromToken(gw.deps, reader.token))!;
    expect(asReader.scopes).toEqual(['read']);
    const caller = createCaller({ ...gw.deps, viewer: asReader, channel: 'api' });
    await expect(caller.models.list({})).resolves.toMatchObject({ total: expect.any(Number) });
    await expect(caller.jobs.create({ model: 'rdkit-descriptors', inputs: [{ smiles: 'C' }] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/lacks the "run" scope/),
    });
    // No token can mint another.
    await expect(caller.tokens.create({ name: 'child' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createApiToken(gw.deps, alice, { name: 'too much', scopes: ['admin'] })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/scope admin/) });
    await until(async () => (await gw.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', reader.id).executeTakeFirstOrThrow()).last_used_at !== null, 'the use is recorded');

    await gw.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', reader.id).execute();
    // No API moves an expiry; the token → viewer cache keeps a token only until the expiry it read (token-viewer-cache.ts).
    forgetTokenViewers();
    expect(await viewerFromToken(gw.deps, reader.token)).toBeNull();

    const other = await createApiToken(gw.deps, alice, { name: 'other' });
    await expect(revokeApiToken(gw.deps, admin, { id: other.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await revokeAnyToken(gw.deps, admin, { id: other.id });
    expect(await viewerFromToken(gw.deps, other.token)).toBeNull();
  });

  it('are rate-limited per token, and calls without a credential per address', async () => {
    const t = await createApiToken(gw.deps, alice, { name: 'busy' });
    const viewer = (await viewerFromToken(gw.deps, t.token))!;
    const caller = createCaller({ ...gw.deps, viewer, channel: 'api', request: { ip: '10.1.1.1', sameOrigin: true } });
    // Drain this token's bucket (its burst), then the next call is refused with when to come back.
    while (edgeLimiters.tokens.take(`token:${t.id}`).ok);
    await expect(caller.me.get()).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', cause: { code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } } });
    const anonymous = createCaller({ ...gw.deps, viewer: null, channel: 'api', request: { ip: '10.9.9.9', sameOrigin: true } });
    while (edgeLimiters.anonymous.take('ip:10.9.9.9').ok);
    await expect(anonymous.me.signUpOptions()).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });
});

describe('cookie sessions from another site', () => {
  it('refuse mutations, and only mutations', async () => {
    const s = await session(alice);
    const viewer = (await viewerFromSession(gw.deps, s.id))!;
    const foreign = createCaller({ ...gw.deps, viewer, channel: 'api', request: { ip: '10.2.2.2', sameOrigin: false } });
    await expect(foreign.tokens.create({ name: 'forged' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/another site/) });
    await expect(foreign.me.get()).resolves.toMatchObject({ id: alice.id });
    const own = createCaller({ ...gw.deps, viewer, channel: 'api', request: { ip: '10.2.2.2', sameOrigin: true } });
    await expect(own.tokens.create({ name: 'mine' })).resolves.toMatchObject({ name: 'mine' });
  });
});
