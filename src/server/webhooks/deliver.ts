import type { Attempt, Verdict, WorkerDeps } from '../jobs/run-task.service';
import { checkOutboundUrl } from '../outbound/outbound-hosts';
import { queueCatalog, type TWebhookDeliverPayload } from '../queue/catalog';
import { openSecret } from '../secrets/seal';
import * as repo from './webhooks.repository';
import { signWebhook } from './signature';

/** How long a receiver has to answer one delivery, body included. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is kept as the error of a failed attempt. */
const ANSWER_EXCERPT = 300;

type Sent = { statusCode: number; excerpt: string } | { statusCode: null; error: string };

/**
 * One POST of a signed body. The URL must pass the outbound allow-list again (it may have changed
 * since the webhook was made); redirects are never followed, so a 3xx is a failed attempt.
 */
export async function postSigned(url: string, secret: string, headers: Record<string, string>, body: string): Promise<Sent> {
  const allowed = checkOutboundUrl(url);
  if (!allowed.ok) return { statusCode: null, error: `not sent: ${allowed.reason}` };
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(allowed.url.href, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'model-gateway-webhooks/1',
        ...headers,
        'x-gateway-timestamp': String(timestamp),
        'x-gateway-signature': signWebhook(secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const text = await res.text().catch(() => '');
    return { statusCode: res.status, excerpt: text.slice(0, ANSWER_EXCERPT) };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError') return { statusCode: null, error: `the receiver did not answer within ${DELIVERY_TIMEOUT_MS / 1000} s` };
    return { statusCode: null, error: `could not reach ${allowed.url.host}: ${err.cause?.code ?? err.message}` };
  }
}

/** The earliest the queue tries again after attempt `n` (pg-boss waits delay · 2^(n-1) to twice that, capped). */
function nextAttemptAfter(n: number): Date {
  const { retryDelay, retryDelayMax } = queueCatalog['webhook.deliver'].options;
  return new Date(Date.now() + Math.min(retryDelayMax, retryDelay * 2 ** (n - 1)) * 1000);
}

/**
 * Handles `webhook.deliver`: sends one delivery. A 2xx marks it delivered; anything else is
 * recorded and the queue retries with backoff, and after the last attempt the delivery is failed.
 */
export async function deliverWebhook(deps: WorkerDeps, { deliveryId }: TWebhookDeliverPayload, attempt: Attempt): Promise<Verdict> {
  const d = await repo.deliveryToSend(deps.db, deliveryId);
  if (!d) return { status: 'completed', output: { skipped: 'delivery no longer exists' } };
  if (d.status !== 'pending') return { status: 'completed', output: { skipped: `delivery already ${d.status}` } };
  if (d.disabled_at) {
    await repo.failPendingDelivery(deps.db, deliveryId, 'the webhook was deleted before this was sent');
    return { status: 'completed', output: { skipped: 'webhook deleted' } };
  }
  // The delivery id is part of the body, so a receiver can drop a delivery it has already handled.
  const body = JSON.stringify({ id: d.id, ...(d.payload as Record<string, unknown>) });
  const sent = await postSigned(d.url, openSecret(d.secret), { 'x-gateway-event': d.event, 'x-gateway-delivery': d.id }, body);
  if (sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300) {
    await repo.recordAttempt(deps.db, deliveryId, { status: 'delivered', statusCode: sent.statusCode, error: null });
    return { status: 'completed', output: { statusCode: sent.statusCode } };
  }
  const error = sent.statusCode === null ? sent.error : `the receiver answered HTTP ${sent.statusCode}${sent.excerpt ? `: ${sent.excerpt}` : ''}`;
  await repo.recordAttempt(deps.db, deliveryId, {
    status: attempt.last ? 'failed' : 'pending',
    statusCode: sent.statusCode,
    error,
    nextAttemptAt: attempt.last ? null : nextAttemptAfter(attempt.number),
  });
  // The queue retries with backoff; after the last attempt it moves the job to webhook.dead.
  return { status: 'failed', output: { statusCode: sent.statusCode, error } };
}

/** Handles `webhook.dead`: a delivery the queue gave up on (its worker died on each attempt) is failed, with the reason. */
export async function endDeadDelivery(deps: WorkerDeps, { deliveryId }: TWebhookDeliverPayload): Promise<Verdict> {
  const failed = await repo.failPendingDelivery(deps.db, deliveryId, 'given up after the last attempt');
  return { status: 'completed', output: { failed } };
}
