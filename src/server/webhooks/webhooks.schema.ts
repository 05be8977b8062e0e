import { z } from 'zod';

export const WEBHOOK_EVENTS = ['started', 'progress', 'succeeded', 'failed', 'cancelled'] as const;
export const ZWebhookEvent = z.enum(WEBHOOK_EVENTS);

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Most active webhooks one account may have. */
export const MAX_WEBHOOKS_PER_OWNER = 100;

/** A webhook on one job (`jobId`) or on every job an API token of yours submits (`tokenId`). */
export const ZCreateWebhookInput = z.object({
  url: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH),
  jobId: z.uuid().optional(),
  tokenId: z.uuid().optional(),
  events: z.array(ZWebhookEvent).min(1).max(WEBHOOK_EVENTS.length).optional(),
  /** A progress event each time this many percent more of the items have ended (default 10). */
  progressStep: z.number().int().min(1).max(100).optional(),
});
export type TCreateWebhookInput = z.infer<typeof ZCreateWebhookInput>;

export const ZListWebhooksInput = z.object({ jobId: z.uuid().optional(), tokenId: z.uuid().optional() }).optional();
export type TListWebhooksInput = z.infer<typeof ZListWebhooksInput>;

export const ZWebhookIdInput = z.object({ id: z.uuid() });

export const ZListDeliveriesInput = z.object({
  webhookId: z.uuid().optional(),
  jobId: z.uuid().optional(),
  /** From the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type TListDeliveriesInput = z.input<typeof ZListDeliveriesInput>;

export const ZReplayDeliveryInput = z.object({ deliveryId: z.uuid() });
