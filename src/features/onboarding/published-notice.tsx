import Link from 'next/link';
import type { ModelDetail, ModelVersion } from '@/lib/types';
import { wizardHref } from './wizard-url';

/** A published (or deprecated) version opened in the wizard: it cannot change, but a new one can start. */
export function PublishedNotice({ model, version }: { model: ModelDetail; version: ModelVersion }) {
  return (
    <section className="card stack-sm" data-testid="wizard-published">
      <h2>
        v{version.version} is {version.status}
      </h2>
      <p className="muted">Published versions are immutable. To change the model, start a new version: it begins as a copy of the newest one.</p>
      <div className="row wrap">
        <Link href={`/models/${model.slug}`} className="btn btn-secondary">
          Open {model.name}
        </Link>
        <Link href={wizardHref({ slug: model.slug })} className="btn btn-primary" data-testid="wizard-new-version">
          Start a new version
        </Link>
      </div>
    </section>
  );
}
