'use client';

import type { ModelDetail, ModelVersion } from '@/lib/types';
import { stepDone, stepReachable, WIZARD_STEPS, type StepId } from './wizard-steps';
import { useWizardNav } from './wizard-url';

interface Props {
  current: StepId;
  model: ModelDetail | undefined;
  version: ModelVersion | undefined;
}

export function WizardStepper({ current, model, version }: Props) {
  const go = useWizardNav();
  return (
    <ol className="stepper" data-testid="wizard-stepper">
      {WIZARD_STEPS.map((s, i) => {
        const reachable = stepReachable(s.id, model, version);
        const state = s.id === current ? 'current' : stepDone(s.id, model, version) ? 'done' : 'todo';
        return (
          <li key={s.id} className={`stepper-item ${state}`}>
            <button
              type="button"
              className="stepper-button"
              disabled={!reachable}
              aria-current={s.id === current ? 'step' : undefined}
              onClick={() => go({ slug: model?.slug, version: version?.version, step: s.id })}
              data-testid={`wizard-step-${s.id}`}
              data-state={state}
            >
              <span className="stepper-index" aria-hidden>
                {state === 'done' ? '✓' : i + 1}
              </span>
              {s.label}
            </button>
          </li>
        );
      })}
    </ol>
  );
}
