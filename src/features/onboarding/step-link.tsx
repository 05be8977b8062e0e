'use client';

import type { ReactNode } from 'react';
import type { StepId } from './wizard-steps';
import { useWizardNav, wizardHref } from './wizard-url';

/** A real link to a wizard step that moves there without reloading. */
export function StepLink({ slug, version, step, children, testId }: { slug: string; version: number; step: StepId; children: ReactNode; testId?: string }) {
  const go = useWizardNav();
  return (
    <a
      href={wizardHref({ slug, version, step })}
      onClick={(e) => {
        e.preventDefault();
        go({ slug, version, step });
      }}
      data-testid={testId}
    >
      {children}
    </a>
  );
}
