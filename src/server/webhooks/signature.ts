import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How far a delivery's timestamp may be from the receiver's clock before it is refused as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A new webhook signing secret, shown to its owner once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, the X-Gateway-Signature header. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * What a receiver does with a delivery: recompute the signature over the raw body and the
 * timestamp header, compare in constant time, and refuse a timestamp more than the tolerance away.
 */
export function verifyWebhook(o: {
  secret: string;
  body: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const ts = Number(o.timestamp);
  if (!o.timestamp || !Number.isInteger(ts) || !o.signature?.startsWith('sha256=')) return { ok: false, reason: 'malformed' };
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (o.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  const want = Buffer.from(signWebhook(o.secret, ts, o.body));
  const got = Buffer.from(o.signature);
  return want.length === got.length && timingSafeEqual(want, got) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
