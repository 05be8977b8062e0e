import type { WebhookDeliveryStatus, WebhookEvent } from '../db/types';

export type { WebhookDeliveryStatus, WebhookEvent };

/** A webhook as its owner sees it: never its secret, which is shown once, at creation. */
export interface Webhook {
  id: string;
  url: string;
  jobId: string | null;
  tokenId: string | null;
  events: WebhookEvent[];
  progressStep: number;
  createdAt: string;
}

/** What a receiver gets, besides the delivery id (`id`) added at each send. */
export interface WebhookPayload {
  event: WebhookEvent;
  jobId: string;
  job: { status: string; itemsTotal: number; itemsDone: number; itemsFailed: number };
  occurredAt: string;
  [key: string]: unknown;
}

/** One event sent (or to be sent) to one webhook. */
export interface WebhookDelivery {
  id: string;
  webhookId: string;
  jobId: string | null;
  event: WebhookEvent;
  payload: WebhookPayload;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** While pending after a failed attempt: the earliest the next attempt is made. */
  nextAttemptAt: string | null;
  replayOf: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
