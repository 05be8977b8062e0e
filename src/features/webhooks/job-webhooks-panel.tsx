'use client';

import { WebhookCreateForm } from './webhook-create-form';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhooksList } from './webhooks-list';

/** The job page's webhooks: add one for this job, the job's webhooks, and every delivery about the job. */
export function JobWebhooksPanel({ jobId }: { jobId: string }) {
  return (
    <section className="card stack-sm" data-testid="job-webhooks">
      <h2>Webhooks</h2>
      <p className="muted">
        The gateway POSTs this job&apos;s events (started, progress, succeeded, failed, cancelled) to your URL, signed with the
        webhook&apos;s secret. Only events after the webhook was added are sent.
      </p>
      <WebhookCreateForm target={{ jobId }} />
      <WebhooksList target={{ jobId }} />
      <h3>Deliveries</h3>
      <WebhookDeliveries filter={{ jobId }} />
    </section>
  );
}
