import { inAuditedTransaction } from '../../audit/audited-transaction';
import * as webhooks from '../../webhooks/webhooks.service';
import { ZCreateWebhookInput, ZListDeliveriesInput, ZListWebhooksInput, ZReplayDeliveryInput, ZWebhookIdInput } from '../../webhooks/webhooks.schema';
import { readProcedure, router, runProcedure } from '../trpc';

export const webhooksRouter = router({
  /** The answer holds the signing secret, this once; the audit entry never does. */
  create: runProcedure.input(ZCreateWebhookInput).mutation(({ ctx, input }) =>
    inAuditedTransaction(ctx, ctx.viewer, (tx) => webhooks.createWebhook({ db: tx, boss: ctx.boss }, ctx.viewer, input), {
      action: 'webhook.create',
      entity: (w) => ({ type: 'webhook', id: w.id }),
      after: (w) => ({ url: w.url, jobId: w.jobId, tokenId: w.tokenId, events: w.events, progressStep: w.progressStep }),
    }),
  ),
  list: readProcedure.input(ZListWebhooksInput).query(({ ctx, input }) => webhooks.listWebhooks(ctx, ctx.viewer, input)),
  delete: runProcedure.input(ZWebhookIdInput).mutation(({ ctx, input }) =>
    inAuditedTransaction(ctx, ctx.viewer, (tx) => webhooks.deleteWebhook({ db: tx }, ctx.viewer, input), {
      action: 'webhook.delete',
      entity: () => ({ type: 'webhook', id: input.id }),
    }),
  ),
  deliveries: readProcedure.input(ZListDeliveriesInput).query(({ ctx, input }) => webhooks.listDeliveries(ctx, ctx.viewer, input)),
  replay: runProcedure.input(ZReplayDeliveryInput).mutation(({ ctx, input }) =>
    inAuditedTransaction(ctx, ctx.viewer, (tx) => webhooks.replayDelivery({ db: tx, boss: ctx.boss }, ctx.viewer, input), {
      action: 'webhook.replay',
      entity: (d) => ({ type: 'webhook_delivery', id: d.id }),
      after: (d) => ({ replayOf: d.replayOf, event: d.event, webhookId: d.webhookId }),
    }),
  ),
});
