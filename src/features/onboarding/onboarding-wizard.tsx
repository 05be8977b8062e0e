'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { ErrorBox } from '@/components/ui/error-box';
import { PageLoading } from '@/components/ui/page-loading';
import { useTRPC } from '@/lib/trpc';
import { isEditable } from '@/shared/version-status';
import { BasicsStep } from './basics-step';
import { DraftsList } from './drafts-list';
import { PublishStep } from './publish-step';
import { PublishedNotice } from './published-notice';
import { ResourcesStep } from './resources-step';
import { RuntimeStep } from './runtime-step';
import { SchemasStep } from './schemas-step';
import { SmokeStep } from './smoke-step';
import { WizardStepper } from './wizard-stepper';
import { firstIncompleteStep, isStepId, stepReachable } from './wizard-steps';

function Loading({ what }: { what: string }) {
  return <PageLoading testId="wizard-loading">Loading {what}…</PageLoading>;
}

/** Registers a model step by step; the URL (`?slug=…&version=…&step=…`) says where, so a draft can be resumed. */
export function OnboardingWizard() {
  const params = useSearchParams();
  const slug = params.get('slug') || undefined;
  const versionNumber = Number(params.get('version')) || undefined;
  const stepParam = params.get('step');
  const trpc = useTRPC();
  const model = useQuery(trpc.models.get.queryOptions({ slug: slug ?? '' }, { enabled: !!slug }));
  const row = versionNumber ? model.data?.versions.find((v) => v.version === versionNumber) : undefined;
  // versions.get checks that the viewer may edit the draft, so a stranger's link fails here, not on save.
  const version = useQuery(trpc.versions.get.queryOptions({ versionId: row?.id ?? '' }, { enabled: !!row }));

  const head = (
    <div className="page-head">
      <div>
        <div className="breadcrumbs muted">
          <Link href="/models">Models</Link> / <span>Register a model</span>
        </div>
        <h1 data-testid="wizard-title">
          {model.data ? `${model.data.name}${versionNumber ? ` · v${versionNumber}` : ' · new version'}` : 'Register a model'}
        </h1>
        <p className="muted">Point at a command, a served model or an image; confirm the schemas; pass a smoke test; publish.</p>
        {!slug && (
          <p>
            <Link href="/models/new/consensus" data-testid="wizard-consensus-link">
              …or build a consensus of existing models
            </Link>
          </p>
        )}
      </div>
    </div>
  );

  let body;
  if (slug && model.isPending) body = <Loading what={slug} />;
  else if (model.isError) body = <ErrorBox error={model.error} testId="wizard-error" />;
  else if (versionNumber && !row)
    body = <ErrorBox code="NOT_FOUND" message={`model "${slug}" has no version ${versionNumber}`} testId="wizard-error" />;
  else if (row && version.isPending) body = <Loading what={`v${versionNumber}`} />;
  else if (version.isError) body = <ErrorBox error={version.error} testId="wizard-error" />;
  else {
    const m = model.data;
    const v = version.data;
    if (m && v && !isEditable(v.status)) {
      body = <PublishedNotice model={m} version={v} />;
    } else {
      const step = isStepId(stepParam) && stepReachable(stepParam, m, v) ? stepParam : firstIncompleteStep(m, v);
      body = (
        <>
          <WizardStepper current={step} model={m} version={v} />
          <section className="card wizard-body" data-testid="wizard-body" data-step={step}>
            {step === 'basics' && <BasicsStep model={m} version={v?.version} />}
            {step === 'runtime' && m && <RuntimeStep key={v?.id ?? 'new'} model={m} version={v} />}
            {step === 'schemas' && m && v && <SchemasStep key={v.id} version={v} />}
            {step === 'resources' && v && <ResourcesStep key={v.id} version={v} />}
            {step === 'smoke' && v && <SmokeStep key={v.id} version={v} />}
            {step === 'publish' && v && <PublishStep key={v.id} version={v} />}
          </section>
        </>
      );
    }
  }

  return (
    <div className="stack wizard" data-testid="wizard">
      {head}
      {body}
      {!slug && <DraftsList />}
    </div>
  );
}
