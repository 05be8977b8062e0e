import { describe, expect, it } from 'vitest';
import { progressBucket } from './events';
import { newWebhookSecret, signWebhook, verifyWebhook } from './signature';

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ id: 'd1', event: 'succeeded' });
  const now = 1_764_876_000;
  const signature = signWebhook(secret, now, body);

  it('signs "<timestamp>.<body>" with HMAC-SHA256 in hex', () => {
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signWebhook(secret, now + 1, body)).not.toBe(signature);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it('verifies within five minutes, and refuses another secret, body, timestamp or a stale one', () => {
    const ok = { secret, body, timestamp: String(now), signature, nowSeconds: now + 299 };
    expect(verifyWebhook(ok)).toEqual({ ok: true });
    expect(verifyWebhook({ ...ok, nowSeconds: now - 299 })).toEqual({ ok: true });
    expect(verifyWebhook({ ...ok, secret: newWebhookSecret() })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook({ ...ok, body: `${body} ` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook({ ...ok, timestamp: String(now + 1) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook({ ...ok, nowSeconds: now + 301 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook({ ...ok, signature: signature.slice(7) })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhook({ ...ok, timestamp: 'yesterday' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyWebhook({ ...ok, signature: `${signature.slice(0, -1)}` })).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('progress buckets', () => {
  it('numbers each step of the items ended, so crossing a boundary is a change of bucket', () => {
    expect([0, 9, 10, 19, 20, 99, 100].map((n) => progressBucket(n, 100, 10))).toEqual([0, 0, 1, 1, 2, 9, 10]);
    expect([0, 1, 2, 3].map((n) => progressBucket(n, 3, 50))).toEqual([0, 0, 1, 2]);
    expect(progressBucket(5, 0, 10)).toBe(0);
  });
});
