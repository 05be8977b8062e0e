import { useCallback } from 'react';
import type { StepId } from './wizard-steps';

export interface WizardLocation {
  slug?: string;
  version?: number;
  step?: StepId;
}

export function wizardHref({ slug, version, step }: WizardLocation): string {
  const q = new URLSearchParams();
  if (slug) q.set('slug', slug);
  if (version) q.set('version', String(version));
  if (step) q.set('step', step);
  const s = q.toString();
  return s ? `/models/new?${s}` : '/models/new';
}

/**
 * Moves between wizard steps by changing the URL in place: Next keeps useSearchParams in sync
 * with history.pushState, so no server round trip happens, and Back returns to the last step.
 */
export function useWizardNav(): (to: WizardLocation) => void {
  return useCallback((to: WizardLocation) => {
    window.history.pushState(null, '', wizardHref(to));
    window.scrollTo({ top: 0 });
  }, []);
}
