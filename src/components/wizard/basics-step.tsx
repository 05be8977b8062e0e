'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { slugify, slugProblem } from '@/lib/slug';
import { useTRPC } from '@/lib/trpc';
import type { ModelDetail } from '@/lib/types';
import { useWizardNav } from '@/lib/wizard-url';
import { ErrorBox } from '../error-box';
import { FieldError } from './field-error';

const splitTags = (s: string) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))];

/** Step 1: what the model is called and does. Creating it makes the viewer its owner. */
export function BasicsStep({ model }: { model: ModelDetail | undefined }) {
  return model ? <BasicsSaved model={model} /> : <BasicsForm />;
}

function BasicsSaved({ model }: { model: ModelDetail }) {
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
      <p className="muted small">The model is registered; these details are saved.</p>
      <div className="wizard-actions">
        <button type="button" className="btn btn-primary" onClick={() => go({ slug: model.slug, step: 'runtime' })} data-testid="basics-continue">
          Continue to runtime
        </button>
      </div>
    </div>
  );
}

function BasicsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const go = useWizardNav();
  const tasks = useQuery(trpc.models.tasks.queryOptions(undefined, { staleTime: 60_000 }));
  const [name, setName] = useState('');
  const [slugEdited, setSlugEdited] = useState<string | null>(null);
  const [task, setTask] = useState('');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const slug = slugEdited ?? slugify(name);

  const create = useMutation(
    trpc.models.create.mutationOptions({
      onSuccess: async (m) => {
        await queryClient.fetchQuery(trpc.models.get.queryOptions({ slug: m.slug }));
        await queryClient.invalidateQueries({ queryKey: trpc.models.list.pathKey() });
        go({ slug: m.slug, step: 'runtime' });
      },
    }),
  );

  const problems = {
    name: name.trim() ? null : 'give the model a name',
    slug: slugProblem(slug),
    task: task.trim() ? null : 'say what the model does, e.g. property/logS',
  };
  const valid = !problems.name && !problems.slug && !problems.task;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (!valid) return;
    create.mutate({ slug, name: name.trim(), task: task.trim(), description: description.trim(), tags: splitTags(tags) });
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="basics-form">
      <h2>Basics</h2>
      <div className="form-grid">
        <label className="field">
          <span>
            Name <span className="req">*</span>
          </span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Heavy atom counter" data-testid="basics-name" />
          <FieldError show={submitted} message={problems.name} testId="basics-name-error" />
        </label>
        <label className="field">
          <span>
            Slug <span className="req">*</span> <small className="muted">how callers name it: {slug || '…'}@production</small>
          </span>
          <input
            className="input mono"
            value={slug}
            onChange={(e) => setSlugEdited(e.target.value.toLowerCase())}
            spellCheck={false}
            data-testid="basics-slug"
          />
          <FieldError show={submitted || slugEdited !== null} message={problems.slug} testId="basics-slug-error" />
        </label>
      </div>
      <label className="field">
        <span>
          Task <span className="req">*</span> <small className="muted">what it predicts, as kind/quantity</small>
        </span>
        <input className="input" list="basics-task-options" value={task} onChange={(e) => setTask(e.target.value)} placeholder="e.g. property/logS" data-testid="basics-task" />
        <datalist id="basics-task-options">
          {(tasks.data ?? []).map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <FieldError show={submitted} message={problems.task} testId="basics-task-error" />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea
          className="input textarea"
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="What it predicts, from what, in which units."
          maxLength={4000}
          data-testid="basics-description"
        />
      </label>
      <label className="field">
        <span>
          Tags <small className="muted">comma-separated</small>
        </span>
        <input className="input" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="e.g. solubility, rdkit" data-testid="basics-tags" />
        {splitTags(tags).length > 0 && (
          <div className="row wrap">
            {splitTags(tags).map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </div>
        )}
      </label>
      {create.isError && <ErrorBox error={create.error} testId="basics-error" />}
      <div className="wizard-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending || (submitted && !valid)} data-testid="basics-submit">
          {create.isPending ? 'Creating…' : 'Create and continue'}
        </button>
      </div>
    </form>
  );
}
