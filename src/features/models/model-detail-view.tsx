'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ErrorBox } from '@/components/ui/error-box';
import { PageLoading } from '@/components/ui/page-loading';
import { isConsensusRuntime } from '@/features/consensus/consensus';
import { ConsensusDefinitionCard } from '@/features/consensus/consensus-definition-card';
import { useTRPC } from '@/lib/trpc';
import { hasAccess } from '@/shared/permissions';
import { isRunnable, latestRunnable } from '@/shared/version-status';
import { AccessCard } from './access-card';
import { AliasEditor } from './alias-editor';
import { AliasHistoryCard } from './alias-history-card';
import { ModelDraftsCard } from './model-drafts-card';
import { ModelHeader } from './model-header';
import { aliasesByVersion } from './model-refs';
import { TryItCard } from './try-it-card';
import { UsageCard } from './usage-card';
import { VersionsTable } from './versions-table';

export function ModelDetailView({ slug, publishedVersion }: { slug: string; publishedVersion?: number }) {
  const trpc = useTRPC();
  const model = useQuery(trpc.models.get.queryOptions({ slug }));

  if (model.isPending) return <PageLoading testId="model-loading">Loading {slug}…</PageLoading>;
  if (model.isError) {
    return (
      <div>
        <p>
          <Link href="/models">← All models</Link>
        </p>
        <ErrorBox error={model.error} testId="model-error" />
      </div>
    );
  }

  const m = model.data;
  // What the server says this viewer may do with the model (src/shared/permissions.ts).
  const canEdit = hasAccess(m.access, 'maintain');
  const runnable = m.versions.filter((v) => isRunnable(v.status));
  const justPublished = publishedVersion !== undefined && m.versions.some((v) => v.version === publishedVersion && v.status === 'published');
  const productionHere = m.aliases.production === publishedVersion;
  const latest = latestRunnable(m.versions);
  return (
    <div className="stack">
      <ModelHeader model={m} />
      {justPublished && (
        <div className="alert alert-success" role="status" data-testid="model-published-banner">
          <strong>v{publishedVersion} is published.</strong>
          {productionHere ? (
            <span>
              <code>{m.slug}@production</code> now runs it.
            </span>
          ) : (
            <span>
              Callers run it as <code>{`${m.slug}@${publishedVersion}`}</code>.
            </span>
          )}
          <span>Try it below.</span>
        </div>
      )}
      <TryItCard model={m} />
      {latest && isConsensusRuntime(latest.runtime) && <ConsensusDefinitionCard slug={m.slug} version={latest.version} runtime={latest.runtime} />}
      <UsageCard slug={m.slug} />
      <section className="card stack-sm">
        <h2>Versions</h2>
        {runnable.length ? (
          <VersionsTable versions={runnable} aliases={aliasesByVersion(m)} canEdit={canEdit} />
        ) : (
          <p className="muted">No published versions yet.</p>
        )}
        {canEdit && (runnable.some((v) => v.status === 'published') || Object.keys(m.aliases).length > 0) && <AliasEditor model={m} />}
      </section>
      <AliasHistoryCard slug={m.slug} />
      {canEdit && !m.builtIn && <AccessCard model={m} />}
      {canEdit && !m.builtIn && <ModelDraftsCard model={m} />}
    </div>
  );
}
