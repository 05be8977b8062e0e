'use client';

import { useQueries, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { BusyLabel } from '@/components/ui/busy-label';
import { ErrorBox } from '@/components/ui/error-box';
import { splitTags } from '@/features/models/model-info-fields';
import { defaultRef, refOptions } from '@/features/models/model-refs';
import { useTRPC } from '@/lib/trpc';
import type { ModelDetail } from '@/lib/types';
import { outputFieldOptions } from './consensus';
import { ConsensusBasicsFields } from './consensus-basics-fields';
import {
  basicsProblems,
  buildConsensusRuntime,
  emptyConsensusForm,
  FITTED_STRATEGIES,
  formSlug,
  membersKind,
  type ConsensusForm as Form,
} from './consensus-form-state';
import { ConsensusMembersTable } from './consensus-members-table';
import { ConsensusPublishProgress } from './consensus-publish-progress';
import { ConsensusStrategyFields } from './consensus-strategy-fields';
import { useConsensusPublish } from './use-consensus-publish';

/** Builds a consensus of published models and takes it through create, draft, smoke test and publish. */
export function ConsensusForm() {
  const trpc = useTRPC();
  const [form, setForm] = useState<Form>(emptyConsensusForm);
  const [showErrors, setShowErrors] = useState(false);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const publish = useConsensusPublish();

  const models = useQuery(trpc.models.list.queryOptions({ status: 'published', limit: 100, offset: 0 }));
  const strategies = useQuery(trpc.evaluations.strategies.queryOptions(undefined, { staleTime: Infinity }));
  const slugs = [...new Set(form.members.map((m) => m.slug).filter(Boolean))];
  const details = useQueries({ queries: slugs.map((slug) => trpc.models.get.queryOptions({ slug }, { staleTime: 60_000 })) });
  const bySlug = new Map<string, ModelDetail>(details.flatMap((q) => (q.data ? [[q.data.slug, q.data] as const] : [])));

  // Until the user picks one, a member runs its model's production alias (or newest version).
  const members = form.members.map((m) => {
    const detail = bySlug.get(m.slug);
    return { ...m, ref: m.ref || (detail ? (defaultRef(detail) ?? '') : '') };
  });
  const kinds = members.map((m) => {
    const detail = bySlug.get(m.slug);
    const version = detail && refOptions(detail).find((o) => o.ref === m.ref)?.version;
    return outputFieldOptions(version?.outputSchema).find((f) => f.name === m.field)?.kind ?? null;
  });
  const kind = membersKind(kinds);
  const usable = (strategies.data ?? []).filter((s) => !FITTED_STRATEGIES.has(s.name) && (kind === null || kind === 'mixed' || s.kind === kind));
  const strategy = usable.some((s) => s.name === form.strategy) ? form.strategy : (usable[0]?.name ?? form.strategy);
  const effective: Form = { ...form, members, strategy };

  const built = buildConsensusRuntime(effective, strategies.data ?? []);
  const basics = basicsProblems(effective);
  const basicsValid = !basics.name && !basics.slug && !basics.task && !basics.example;
  const summary = 'runtime' in built ? `${built.runtime.strategy} of ${built.runtime.members.map((m) => `${m.ref} ${m.field}`).join(', ')}` : '';

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setShowErrors(true);
    if (!basicsValid || !('runtime' in built)) return;
    const info = {
      slug: formSlug(effective),
      name: form.name.trim(),
      task: form.task.trim(),
      description: form.description.trim() || `Consensus: ${summary}.`,
      tags: splitTags(form.tags),
    };
    void publish.run(info, built.runtime, { smiles: form.exampleSmiles.trim() });
  }

  return (
    <form className="stack" onSubmit={onSubmit} noValidate data-testid="consensus-form">
      <section className="card stack-sm">
        <h2>About</h2>
        <ConsensusBasicsFields
          form={effective}
          set={set}
          showErrors={showErrors}
          createdSlug={publish.createdSlug}
          descriptionHint={summary ? `Consensus: ${summary}.` : 'What it predicts, from which members.'}
        />
      </section>
      <section className="card stack-sm">
        <div>
          <h2>Members</h2>
          <p className="muted">Published models, each with the output field it contributes. Members must all give numbers, or all class labels.</p>
        </div>
        {models.isError && <ErrorBox error={models.error} testId="consensus-models-error" />}
        <ConsensusMembersTable members={members} models={models.data?.items ?? []} details={bySlug} onChange={(m) => set({ members: m })} />
      </section>
      <section className="card stack-sm">
        <h2>How they combine</h2>
        {strategies.isError && <ErrorBox error={strategies.error} testId="consensus-strategies-error" />}
        <ConsensusStrategyFields form={effective} set={set} strategies={strategies.data ?? []} strategy={strategy} kind={kind} />
      </section>
      <section className="card stack-sm">
        {showErrors && 'problems' in built && (
          <div className="alert alert-error" role="alert" data-testid="consensus-problems">
            <ul className="problems">
              {built.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        {publish.steps && <ConsensusPublishProgress steps={publish.steps} smoke={publish.smoke} />}
        <div className="row spread wrap">
          <span className="muted small">
            Registers the model, creates draft v1, smoke-tests the example through every member, then publishes it as <code>@production</code>.
          </span>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={publish.running || (showErrors && (!basicsValid || !('runtime' in built)))}
            data-testid="consensus-submit"
          >
            {publish.running ? <BusyLabel>Working…</BusyLabel> : publish.steps ? 'Try again' : 'Create, test and publish'}
          </button>
        </div>
      </section>
    </form>
  );
}
