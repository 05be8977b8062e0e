import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { wizardHref } from '@/features/onboarding/wizard-url';
import { formatDate } from '@/lib/format';
import type { ModelDetail } from '@/lib/types';
import { isEditable } from '@/shared/version-status';

/** The owner's unpublished versions of this model, each resumable in the wizard. */
export function ModelDraftsCard({ model }: { model: ModelDetail }) {
  const drafts = model.versions.filter((v) => isEditable(v.status));
  // The wizard edits programs and served models; a consensus gets new versions by fitting an
  // evaluation, or from a manifest through the SDK.
  const consensus = model.runtimeKind === 'consensus';
  return (
    <section className="card stack-sm" data-testid="model-drafts">
      <div className="row spread">
        <h2>Drafts</h2>
        {consensus ? (
          <Link href="/evaluations/new" className="btn btn-secondary btn-sm" data-testid="model-new-version">
            Evaluate and fit a new version
          </Link>
        ) : (
          <Link href={wizardHref({ slug: model.slug })} className="btn btn-secondary btn-sm" data-testid="model-new-version">
            New version
          </Link>
        )}
      </div>
      {drafts.length === 0 ? (
        <p className="muted small">No drafts. A new version starts as a copy of the newest one.</p>
      ) : (
        <ul className="plain-list">
          {drafts.map((v) => (
            <li key={v.id} className="row wrap" data-testid={`model-draft-${v.version}`}>
              <strong>v{v.version}</strong>
              <Badge tone={v.status === 'validated' ? 'blue' : 'neutral'}>{v.status}</Badge>
              <span className="muted small">
                created {formatDate(v.createdAt)}
                {v.smokeTest && ` · last smoke test ${v.smokeTest.ok ? 'passed' : `failed (${v.smokeTest.code})`}`}
              </span>
              <Link href={wizardHref({ slug: model.slug, version: v.version })} data-testid={`model-draft-resume-${v.version}`}>
                Resume in wizard →
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
