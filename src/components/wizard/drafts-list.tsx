'use client';

import { useQueries, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatDate } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { wizardHref } from '@/lib/wizard-url';
import { Badge } from '../badge';
import { ErrorBox } from '../error-box';

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
  const mine = useQuery(trpc.models.list.queryOptions({ owner: 'me', limit: 100, offset: 0 }));
  const details = useQueries({ queries: (mine.data?.items ?? []).map((m) => trpc.models.get.queryOptions({ slug: m.slug })) });

  const drafts: Draft[] = details.flatMap((q): Draft[] => {
    const m = q.data;
    if (!m) return [];
    if (m.versions.length === 0) return [{ slug: m.slug, name: m.name, version: null, status: 'no version yet', smoke: null, updated: m.createdAt }];
    return m.versions
      .filter((v) => v.status === 'draft' || v.status === 'validated')
      .map((v) => ({ slug: m.slug, name: m.name, version: v.version, status: v.status, smoke: v.smokeTest?.ok ?? null, updated: v.createdAt }));
  });

  if (mine.isError) return <ErrorBox error={mine.error} testId="drafts-error" />;
  if (drafts.length === 0) return null;
  return (
    <section className="card flush" data-testid="drafts-list">
      <div className="card-head">
        <h2>Your drafts</h2>
        <span className="muted small">Pick up where you left off</span>
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Version</th>
              <th>Status</th>
              <th>Last smoke test</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {drafts.map((d) => (
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
          </tbody>
        </table>
      </div>
    </section>
  );
}
