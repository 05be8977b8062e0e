import type { RuntimeErrors, RuntimeForm } from './runtime-form';
import { FieldError } from '@/components/ui/field-error';

interface Props {
  form: RuntimeForm;
  set: (patch: Partial<RuntimeForm>) => void;
  errors: RuntimeErrors;
  showErrors: boolean;
}

export function KubernetesRuntimeFields({ form, set, errors, showErrors }: Props) {
  return (
    <div className="stack-sm">
      <div className="alert alert-info" data-testid="runtime-kubernetes-note">
        The image is stored with the version for the Kubernetes executor, which is not available on this gateway yet. Until it is,
        a version with this runtime cannot pass its smoke test, so it stays a draft.
      </div>
      <label className="field">
        <span>
          Image <span className="req">*</span>
        </span>
        <input
          className="input mono"
          value={form.image}
          onChange={(e) => set({ image: e.target.value })}
          placeholder="ghcr.io/acme/docking:1.4"
          spellCheck={false}
          data-testid="runtime-image"
        />
        <FieldError show={showErrors} message={errors.image} testId="runtime-image-error" />
      </label>
      <label className="field">
        <span>
          Command <small className="muted">optional; the image’s entrypoint runs otherwise</small>
        </span>
        <input
          className="input mono"
          value={form.imageCommand}
          onChange={(e) => set({ imageCommand: e.target.value })}
          placeholder="python -m model.serve"
          spellCheck={false}
          data-testid="runtime-image-command"
        />
        <FieldError show={showErrors} message={errors.imageCommand} testId="runtime-image-command-error" />
      </label>
    </div>
  );
}
