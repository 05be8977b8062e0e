'use client';

import { CodeInput } from '@/components/ui/code-input';
import { Field } from '@/components/ui/field';
import { FieldError } from '@/components/ui/field-error';
import { TagChips, TaskInput } from '@/features/models/model-info-fields';
import { basicsProblems, formSlug, type ConsensusForm } from './consensus-form-state';

interface Props {
  form: ConsensusForm;
  set: (patch: Partial<ConsensusForm>) => void;
  showErrors: boolean;
  /** Set once the model exists: its slug can no longer change. */
  createdSlug: string | null;
  descriptionHint: string;
}

/** Name, slug, task, description, tags and the example the smoke test runs. */
export function ConsensusBasicsFields({ form, set, showErrors, createdSlug, descriptionHint }: Props) {
  const problems = basicsProblems(form);
  const slug = formSlug(form);
  return (
    <div className="stack-sm">
      <div className="form-grid">
        <Field label="Name" required>
          <input className="input" value={form.name} onChange={(e) => set({ name: e.target.value })} placeholder="e.g. Solubility consensus" data-testid="consensus-name" />
          <FieldError show={showErrors} message={problems.name} testId="consensus-name-error" />
        </Field>
        <Field label="Slug" required hint={`callers run ${slug || '…'}@production`}>
          <CodeInput value={slug} onChange={(v) => set({ slug: v.toLowerCase() })} disabled={!!createdSlug} testId="consensus-slug" />
          {createdSlug && <small className="muted">The model is registered; its slug is fixed.</small>}
          <FieldError show={showErrors || form.slug !== null} message={problems.slug} testId="consensus-slug-error" />
        </Field>
      </div>
      <div className="form-grid">
        <Field label="Task" required>
          <TaskInput listId="consensus-task-options" value={form.task} onChange={(task) => set({ task })} testId="consensus-task" />
          <FieldError show={showErrors} message={problems.task} testId="consensus-task-error" />
        </Field>
        <Field label="Tags" hint="comma-separated">
          <input className="input" value={form.tags} onChange={(e) => set({ tags: e.target.value })} data-testid="consensus-tags" />
          <TagChips text={form.tags} />
        </Field>
      </div>
      <Field label="Description">
        <textarea
          className="input textarea"
          rows={2}
          value={form.description}
          onChange={(e) => set({ description: e.target.value })}
          placeholder={descriptionHint}
          maxLength={4000}
          data-testid="consensus-description"
        />
        <small className="muted">Left empty, it says which members and strategy it combines.</small>
      </Field>
      <Field label="Example SMILES" required hint="the smoke test runs it through every member">
        <CodeInput value={form.exampleSmiles} onChange={(exampleSmiles) => set({ exampleSmiles })} testId="consensus-example" />
        <FieldError show={showErrors} message={problems.example} testId="consensus-example-error" />
      </Field>
    </div>
  );
}
