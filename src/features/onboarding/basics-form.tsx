'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CodeInput } from '@/components/ui/code-input';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { FieldError } from '@/components/ui/field-error';
import { splitTags, TagChips, TaskInput } from '@/features/models/model-info-fields';
import { useTRPC } from '@/lib/trpc';
import type { ModelDetail } from '@/lib/types';
import { slugify, slugProblem } from '@/shared/model-ref';
import { useWizardNav } from './wizard-url';

/**
 * Name, slug, task, description and tags. Without `model` it creates the model (the viewer
 * becomes its owner); with one it edits the resumed model, whose slug is fixed.
 */
export function BasicsForm({ model, version }: { model?: ModelDetail; version?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const go = useWizardNav();
  const [name, setName] = useState(model?.name ?? '');
  const [slugEdited, setSlugEdited] = useState<string | null>(model?.slug ?? null);
  const [task, setTask] = useState(model?.task ?? '');
  const [description, setDescription] = useState(model?.description ?? '');
  const [tags, setTags] = useState(model?.tags.join(', ') ?? '');
  const [submitted, setSubmitted] = useState(false);
  const slug = slugEdited ?? slugify(name);

  const next = async (s: string) => {
    await queryClient.fetchQuery({ ...trpc.models.get.queryOptions({ slug: s }), staleTime: 0 });
    await queryClient.invalidateQueries({ queryKey: trpc.models.list.pathKey() });
    go({ slug: s, version, step: 'runtime' });
  };
  const create = useMutation(trpc.models.create.mutationOptions({ onSuccess: (m) => next(m.slug) }));
  const update = useMutation(trpc.models.update.mutationOptions({ onSuccess: (m) => next(m.slug) }));
  const save = model ? update : create;

  const problems = {
    name: name.trim() ? null : 'give the model a name',
    slug: model ? null : slugProblem(slug),
    task: task.trim() ? null : 'say what the model does, e.g. property/logS',
  };
  const valid = !problems.name && !problems.slug && !problems.task;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (!valid) return;
    const info = { slug, name: name.trim(), task: task.trim(), description: description.trim(), tags: splitTags(tags) };
    if (!model) return create.mutate(info);
    const unchanged =
      info.name === model.name && info.task === model.task && info.description === model.description && info.tags.join(',') === model.tags.join(',');
    if (unchanged) return go({ slug, version, step: 'runtime' });
    update.mutate(info);
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate data-testid="basics-form" data-mode={model ? 'edit' : 'create'}>
      <h2>Basics</h2>
      {model && <p className="muted small">The model is registered. Change its details here; the slug stays as it is.</p>}
      <div className="form-grid">
        <Field label="Name" required>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Heavy atom counter" data-testid="basics-name" />
          <FieldError show={submitted} message={problems.name} testId="basics-name-error" />
        </Field>
        <Field label="Slug" required hint={`how callers name it: ${slug || '…'}@production`}>
          <CodeInput value={slug} onChange={(v) => setSlugEdited(v.toLowerCase())} disabled={!!model} testId="basics-slug" />
          <FieldError show={submitted || slugEdited !== null} message={problems.slug} testId="basics-slug-error" />
        </Field>
      </div>
      <Field label="Task" required hint="what it predicts, as kind/quantity">
        <TaskInput listId="basics-task-options" value={task} onChange={setTask} placeholder="e.g. property/logS" testId="basics-task" />
        <FieldError show={submitted} message={problems.task} testId="basics-task-error" />
      </Field>
      <Field label="Description">
        <textarea
          className="input textarea"
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          placeholder="What it predicts, from what, in which units."
          maxLength={4000}
          data-testid="basics-description"
        />
      </Field>
      <Field label="Tags" hint="comma-separated">
        <input className="input" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="e.g. solubility, rdkit" data-testid="basics-tags" />
        <TagChips text={tags} />
      </Field>
      {save.isError && <ErrorBox error={save.error} testId="basics-error" />}
      <div className="wizard-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending || (submitted && !valid)} data-testid="basics-submit">
          {save.isPending ? (model ? 'Saving…' : 'Creating…') : model ? 'Save and continue' : 'Create and continue'}
        </button>
      </div>
    </form>
  );
}
