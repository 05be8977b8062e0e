import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser, startTestGateway, type TestGateway } from '../../../test/support';
import { updateUser } from './admin-users.service';
import { cachedTokenViewer, forgetTokenViewers, rememberTokenViewer } from './token-viewer-cache';
import { createApiToken, revokeApiToken, viewerFromToken } from './users.service';
import type { Viewer } from './viewer';

let gw: TestGateway;
let admin: Viewer;
let carol: Viewer;

beforeAll(async () => {
  gw = await startTestGateway({ worker: false });
  admin = await createUser(gw.db, 'admin', { role: 'admin' });
  carol = await createUser(gw.db, 'carol');
});

afterAll(async () => gw?.stop());
afterEach(() => {
  vi.useRealTimers();
  forgetTokenViewers();
});

describe('the token → viewer cache', () => {
  it('stops a token revoked in this process at once', async () => {
    const t = await createApiToken(gw.deps, carol, { name: 'script' });
    expect((await viewerFromToken(gw.deps, t.token))?.id).toBe(carol.id);
    await revokeApiToken(gw.deps, carol, { id: t.id });
    expect(await viewerFromToken(gw.deps, t.token)).toBeNull();
  });

  it('stops a token revoked elsewhere (another web process) once the TTL has passed', async () => {
    const t = await createApiToken(gw.deps, carol, { name: 'elsewhere' });
    vi.useFakeTimers({ toFake: ['Date'] });
    expect((await viewerFromToken(gw.deps, t.token))?.id).toBe(carol.id);
    // What another process's revoke does: only the row changes, this process's cache is untouched.
    await gw.db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('id', '=', t.id).execute();
    expect((await viewerFromToken(gw.deps, t.token))?.id).toBe(carol.id);
    vi.setSystemTime(Date.now() + 5_001);
    expect(await viewerFromToken(gw.deps, t.token)).toBeNull();
  });

  it('sees a changed role at once, and a disabled account is refused at once', async () => {
    const dave = await createUser(gw.db, 'dave');
    const t = await createApiToken(gw.deps, dave, { name: 'd' });
    expect((await viewerFromToken(gw.deps, t.token))?.role).toBe('member');
    await updateUser(gw.deps, admin, { userId: dave.id, disabled: true });
    expect(await viewerFromToken(gw.deps, t.token)).toBeNull();
  });

  it('never keeps a token past its own expiry, and hands out copies', () => {
    const now = 1_000_000;
    rememberTokenViewer('h', carol, new Date(now + 1_000), now);
    expect(cachedTokenViewer('h', now + 999)?.id).toBe(carol.id);
    expect(cachedTokenViewer('h', now + 1_000)).toBeUndefined();
    rememberTokenViewer('h2', carol, null, now);
    const a = cachedTokenViewer('h2', now)!;
    a.teamIds.push('x');
    expect(cachedTokenViewer('h2', now)!.teamIds).toEqual(carol.teamIds);
  });

  it('is off with GATEWAY_TOKEN_CACHE_SECONDS=0', () => {
    vi.stubEnv('GATEWAY_TOKEN_CACHE_SECONDS', '0');
    rememberTokenViewer('h3', carol, null);
    expect(cachedTokenViewer('h3')).toBeUndefined();
    vi.unstubAllEnvs();
  });
});
