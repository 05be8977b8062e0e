'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatDate } from '@/lib/format';
import { latestRunnableVersion } from '@/lib/schema';
import { useTRPC } from '@/lib/trpc';
import { Badge } from './badge';
import { CodeSnippets } from './code-snippets';
import { ErrorBox } from './error-box';
import { SchemaTable } from './schema-table';
import { TryItForm } from './try-it-form';
import { VersionsTable } from './versions-table';

export function ModelDetailView({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const model = useQuery(trpc.models.get.queryOptions({ slug }));

  if (model.isPending) {
    return (
      <div className="page-loading" data-testid="model-loading">
        <span className="spinner" aria-hidden /> Loading {slug}…
      </div>
    );
  }
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
  const latest = latestRunnableVersion(m);
  return (
    <div className="stack">
      <div className="breadcrumbs muted">
        <Link href="/models">Models</Link> / <span>{m.slug}</span>
      </div>
      <div className="page-head">
        <div>
          <h1 data-testid="model-name">{m.name}</h1>
          <div className="row wrap">
            <code className="slug" data-testid="model-slug">
              {m.slug}
            </code>
            <Badge tone="blue" testId="model-task">
              {m.task}
            </Badge>
            {m.builtIn && <Badge tone="purple">built-in</Badge>}
            {latest && <Badge tone="green">v{latest.version} published</Badge>}
            {m.tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </div>
        </div>
        <Link href={`/jobs/new?model=${encodeURIComponent(m.slug)}`} className="btn btn-primary" data-testid="run-batch-link">
          Run a batch job
        </Link>
      </div>
      <p className="lead" data-testid="model-description">
        {m.description || 'No description.'}
      </p>
      <p className="muted small">
        Owner {m.ownerEmail ?? 'gateway (built-in)'} · registered {formatDate(m.createdAt)}
      </p>

      <section className="card">
        <h2>Try it</h2>
        {latest ? (
          <TryItForm key={`${m.slug}@${latest.version}`} slug={m.slug} version={latest} />
        ) : (
          <p className="muted">This model has no published version yet, so it cannot run.</p>
        )}
      </section>

      {latest && (
        <div className="two-col">
          <section className="card">
            <h2>Input schema</h2>
            <SchemaTable schema={latest.inputSchema} testId="input-schema" />
          </section>
          <section className="card">
            <h2>Output schema</h2>
            <SchemaTable schema={latest.outputSchema} testId="output-schema" />
          </section>
        </div>
      )}

      <section className="card">
        <h2>Versions</h2>
        <VersionsTable versions={m.versions} />
      </section>

      <section className="card">
        <h2>Call it from code</h2>
        <CodeSnippets slug={m.slug} example={latest?.example ?? { smiles: 'CCO' }} />
      </section>
    </div>
  );
}
