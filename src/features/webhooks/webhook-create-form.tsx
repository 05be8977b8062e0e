'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorBox } from '@/components/ui/error-box';
import { useTRPC } from '@/lib/trpc';
import { WEBHOOK_EVENTS } from '@/server/webhooks/webhooks.schema';
import type { WebhookTarget } from './webhook-target';

type Event = (typeof WEBHOOK_EVENTS)[number];

/** Adds a webhook on a job or a token; its signing secret is shown once, right after. */
export function WebhookCreateForm({ target }: { target: WebhookTarget }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Event[]>([...WEBHOOK_EVENTS]);
  const [progressStep, setProgressStep] = useState(10);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: () => {
        setUrl('');
        void queryClient.invalidateQueries(trpc.webhooks.list.queryFilter());
      },
    }),
  );

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ url, ...target, events, progressStep });
  }

  return (
    <div className="stack-sm">
      <form className="row wrap" onSubmit={onSubmit} data-testid="webhook-create-form">
        <input
          className="input grow"
          type="url"
          placeholder="https://example.com/hooks/gateway"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          required
          maxLength={2048}
          aria-label="Webhook URL"
          data-testid="webhook-url"
        />
        <span className="row" data-testid="webhook-events">
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="row">
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))}
                data-testid={`webhook-event-${ev}`}
              />
              {ev}
            </label>
          ))}
        </span>
        <label className="row">
          every
          <input
            className="input"
            type="number"
            min={1}
            max={100}
            style={{ width: '5em' }}
            value={progressStep}
            onChange={(e) => setProgressStep(Number(e.target.value))}
            aria-label="Progress step in percent"
            data-testid="webhook-progress-step"
          />
          %
        </label>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || events.length === 0} data-testid="webhook-create">
          {create.isPending ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
      {create.isError && <ErrorBox error={create.error} testId="webhook-create-error" />}
      {create.data && (
        <div className="alert alert-warning" data-testid="webhook-created">
          <div>
            <strong>Copy the signing secret now.</strong> It is shown only once. Check each delivery&apos;s{' '}
            <code>X-Gateway-Signature</code> with it (see the docs on webhooks).
          </div>
          <div className="row token-reveal">
            <code className="token" data-testid="webhook-secret">
              {create.data.secret}
            </code>
            <CopyButton text={create.data.secret} testId="webhook-secret-copy" />
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => create.reset()} data-testid="webhook-secret-dismiss">
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
