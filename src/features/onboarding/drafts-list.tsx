'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { ErrorBox } from '@/components/ui/error-box';
import { Table } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { wizardHref } from './wizard-url';

interface Draft {
  slug: string;
  name: string;
  version: number | null;
  status: string;
  smoke: boolean | null;
  updated: string;
}

/** The viewer's unfinished registrations: drafts of any of their models, and models with no version yet. */
export function DraftsList() {
  const trpc = useTRPC();
  const drafts = useQuery(trpc.models.drafts.queryOptions());
  // Models that never got a version have no draft row; they are the owner's unpublished models without one.
  const unpublished = useQuery(trpc.models.list.queryOptions({ owner: 'me', status: 'draft', limit: 100, offset: 0 }));

  const withDrafts = new Set((drafts.data ?? []).map((d) => d.slug));
  const rows: Draft[] = [
    ...(drafts.data ?? []).map((d) => ({ slug: d.slug, name: d.name, version: d.version, status: d.status, smoke: d.smokeTestOk, updated: d.updatedAt })),
    ...(drafts.data ? (unpublished.data?.items ?? []) : [])
      .filter((m) => !withDrafts.has(m.slug))
      .map((m) => ({ slug: m.slug, name: m.name, version: null, status: 'no version yet', smoke: null, updated: m.createdAt })),
  ];

  if (drafts.isError) return <ErrorBox error={drafts.error} testId="drafts-error" />;
  if (rows.length === 0) return null;
  return (
    <section className="card flush" data-testid="drafts-list">
      <div className="card-head">
        <h2>Your drafts</h2>
        <span className="muted small">Pick up where you left off</span>
      </div>
      <Table head={['Model', 'Version', 'Status', 'Last smoke test', 'Updated', '']}>
        {rows.map((d) => (
          <tr key={`${d.slug}@${d.version}`} data-testid={`draft-row-${d.slug}`}>
            <td>
              {d.name} <code className="muted small">{d.slug}</code>
            </td>
            <td>{d.version ? `v${d.version}` : '—'}</td>
            <td>
              <Badge tone={d.status === 'validated' ? 'blue' : 'neutral'}>{d.status}</Badge>
            </td>
            <td>{d.smoke === null ? <span className="muted">not run</span> : d.smoke ? <Badge tone="green">passed</Badge> : <Badge tone="red">failed</Badge>}</td>
            <td>{formatDate(d.updated)}</td>
            <td className="actions">
              <Link
                href={wizardHref({ slug: d.slug, version: d.version ?? undefined })}
                className="btn btn-secondary btn-sm"
                data-testid={`draft-resume-${d.slug}${d.version ? `-${d.version}` : ''}`}
              >
                Resume
              </Link>
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
