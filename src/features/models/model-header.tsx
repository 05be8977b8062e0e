import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { formatDate } from '@/lib/format';
import type { ModelDetail } from '@/lib/types';
import { latestRunnable } from '@/shared/version-status';

export function ModelHeader({ model: m }: { model: ModelDetail }) {
  const latest = latestRunnable(m.versions);
  return (
    <>
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
            {!m.builtIn && (
              <Badge tone={m.visibility === 'private' ? 'amber' : 'neutral'} testId="model-visibility">
                {m.visibility === 'team' && m.teamName ? `team ${m.teamName}` : m.visibility}
              </Badge>
            )}
            {latest ? (
              <Badge tone={latest.status === 'deprecated' ? 'amber' : 'green'} testId="model-latest">
                v{latest.version} {latest.status}
              </Badge>
            ) : (
              <Badge testId="model-latest">not published</Badge>
            )}
            {Object.entries(m.aliases).map(([alias, n]) => (
              <span key={alias} className="alias-chip" data-testid={`model-alias-${alias}`}>
                @{alias} → v{n}
              </span>
            ))}
            {m.tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </div>
        </div>
        {latest && (
          <Link href={`/jobs/new?model=${encodeURIComponent(m.slug)}`} className="btn btn-primary" data-testid="run-batch-link">
            Run a batch job
          </Link>
        )}
      </div>
      <p className="lead" data-testid="model-description">
        {m.description || 'No description.'}
      </p>
      <p className="muted small">
        Owner {m.ownerEmail ?? 'gateway (built-in)'} · registered {formatDate(m.createdAt)}
      </p>
    </>
  );
}
