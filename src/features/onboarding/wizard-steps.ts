import { schemaFields } from '@/features/outputs/schema';
import type { ModelDetail, ModelVersion, VersionSpec } from '@/lib/types';
import { isRunnable } from '@/shared/version-status';

export const WIZARD_STEPS = [
  { id: 'basics', label: 'Basics' },
  { id: 'runtime', label: 'Runtime' },
  { id: 'schemas', label: 'Schemas' },
  { id: 'resources', label: 'Resources' },
  { id: 'smoke', label: 'Smoke test' },
  { id: 'publish', label: 'Publish' },
] as const;

export type StepId = (typeof WIZARD_STEPS)[number]['id'];

export const isStepId = (s: string | null | undefined): s is StepId => WIZARD_STEPS.some((x) => x.id === s);

/**
 * Whether a step's work is saved on the server. There are no per-step flags, so it is read
 * from the draft itself. Resources always have valid defaults, so they count as done with the
 * schemas; a smoke test counts once it passed with declared output fields.
 */
export function stepDone(step: StepId, model: ModelDetail | undefined, version: ModelVersion | undefined): boolean {
  const schemasDone = !!version && schemaFields(version.outputSchema).length > 0;
  switch (step) {
    case 'basics':
      return !!model;
    case 'runtime':
      return !!version;
    case 'schemas':
    case 'resources':
      return schemasDone;
    case 'smoke':
      return schemasDone && version!.status !== 'draft';
    case 'publish':
      return !!version && isRunnable(version.status);
  }
}

/** Where a resumed draft continues: the first step whose work is not saved yet. */
export function firstIncompleteStep(model: ModelDetail | undefined, version: ModelVersion | undefined): StepId {
  return WIZARD_STEPS.find((s) => !stepDone(s.id, model, version))?.id ?? 'publish';
}

/** Steps after runtime edit a draft, so they open only once one exists. */
export function stepReachable(step: StepId, model: ModelDetail | undefined, version: ModelVersion | undefined): boolean {
  if (step === 'basics') return true;
  if (step === 'runtime') return !!model;
  return !!version;
}

/** The parts of a version a draft update sends back, so one step can change its own fields only. */
export function specOf(v: ModelVersion): VersionSpec {
  return {
    runtime: v.runtime,
    inputSchema: v.inputSchema,
    outputSchema: v.outputSchema,
    resources: v.resources as VersionSpec['resources'],
    batchSize: v.batchSize,
    timeoutMs: v.timeoutMs,
    example: v.example,
  };
}

/** Where to fix what a failed smoke test reports, most likely first. */
export function fixStepsFor(code: string | null, message: string | null): { step: StepId; label: string }[] {
  if (/output schema/i.test(message ?? '')) return [{ step: 'schemas', label: 'Fix the output schema' }];
  if (code === 'INVALID_INPUT') {
    return [
      { step: 'runtime', label: 'Fix the example input' },
      { step: 'schemas', label: 'Fix the input schema' },
    ];
  }
  if (code === 'MODEL_TIMEOUT' || code === 'TIMEOUT') {
    return [
      { step: 'resources', label: 'Raise the timeout' },
      { step: 'runtime', label: 'Fix the runtime' },
    ];
  }
  return [{ step: 'runtime', label: 'Fix the runtime' }];
}
