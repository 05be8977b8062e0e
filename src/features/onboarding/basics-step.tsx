'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/trpc';
import type { ModelDetail } from '@/lib/types';
import { mayEditModel } from '@/shared/permissions';
import { BasicsForm } from './basics-form';
import { useWizardNav } from './wizard-url';

/** Step 1: what the model is called and does; a resumed model's owner edits it here. */
export function BasicsStep({ model, version }: { model: ModelDetail | undefined; version?: number }) {
  const trpc = useTRPC();
  const viewer = useQuery(trpc.me.get.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  if (!model) return <BasicsForm />;
  if (viewer.isPending) return null;
  return mayEditModel(viewer.data, model) ? <BasicsForm key={model.slug} model={model} version={version} /> : <BasicsSaved model={model} version={version} />;
}

function BasicsSaved({ model, version }: { model: ModelDetail; version?: number }) {
  const go = useWizardNav();
  return (
    <div className="stack-sm" data-testid="basics-saved">
      <h2>Basics</h2>
      <dl className="kv">
        <dt>Name</dt>
        <dd>{model.name}</dd>
        <dt>Slug</dt>
        <dd>
          <code>{model.slug}</code>
        </dd>
        <dt>Task</dt>
        <dd>{model.task}</dd>
        <dt>Description</dt>
        <dd>{model.description || <span className="muted">none</span>}</dd>
        <dt>Tags</dt>
        <dd>{model.tags.length ? model.tags.map((t) => <span key={t} className="tag">{t}</span>) : <span className="muted">none</span>}</dd>
      </dl>
      <p className="muted small">Only the model’s owner or an admin can change these details.</p>
      <div className="wizard-actions">
        <button type="button" className="btn btn-primary" onClick={() => go({ slug: model.slug, version, step: 'runtime' })} data-testid="basics-continue">
          Continue to runtime
        </button>
      </div>
    </div>
  );
}
