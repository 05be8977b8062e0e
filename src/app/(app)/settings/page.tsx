import type { Metadata } from 'next';
import { TokenCreateForm } from '@/features/account/token-create-form';
import { TokensTable } from '@/features/account/tokens-table';
import { UserPanel } from '@/features/account/user-panel';
import { TokenWebhooksPanel } from '@/features/webhooks/token-webhooks-panel';

export const metadata: Metadata = { title: 'Settings' };

export default function SettingsPage() {
  return (
    <div className="stack narrow">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <UserPanel />
      <section className="card stack-sm">
        <h2>API tokens</h2>
        <p className="muted">
          Tokens let scripts, notebooks and the SDK call the gateway as you: send one as{' '}
          <code>Authorization: Bearer mgw_…</code>.
        </p>
        <TokenCreateForm />
        <TokensTable />
      </section>
      <section className="card stack-sm">
        <h2>Webhooks per token</h2>
        <p className="muted">Every job submitted with the token reports its events to these URLs, signed with each webhook&apos;s secret.</p>
        <TokenWebhooksPanel />
      </section>
    </div>
  );
}
