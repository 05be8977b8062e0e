import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import type { ModelSummary } from '@/lib/types';

export function ModelCard({ model }: { model: ModelSummary }) {
  return (
    <Link href={`/models/${model.slug}`} className="card model-card" data-testid={`model-card-${model.slug}`}>
      <div className="model-card-head">
        <h3 className="model-card-name" data-testid="model-card-name">
          {model.name}
        </h3>
        {model.builtIn && <Badge tone="purple">built-in</Badge>}
        {model.latestVersion === null && <Badge testId="model-card-draft">draft</Badge>}
      </div>
      <code className="slug">{model.slug}</code>
      <p className="model-card-desc">{model.description || 'No description.'}</p>
      <div className="model-card-tags">
        <Badge tone="blue" testId="model-card-task">
          {model.task}
        </Badge>
        {model.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
      </div>
      <div className="model-card-foot muted">
        <span>{model.latestVersion ? `v${model.latestVersion}` : 'no published version'}</span>
        <span>{model.ownerEmail ?? 'gateway'}</span>
      </div>
    </Link>
  );
}
