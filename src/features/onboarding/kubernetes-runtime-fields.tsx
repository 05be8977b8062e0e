import { CodeInput } from '@/components/ui/code-input';
import { Field } from '@/components/ui/field';
import { FieldError } from '@/components/ui/field-error';
import type { RuntimeErrors, RuntimeForm } from './runtime-form';

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
      <Field label="Image" required>
        <CodeInput value={form.image} onChange={(image) => set({ image })} placeholder="ghcr.io/acme/docking:1.4" testId="runtime-image" />
        <FieldError show={showErrors} message={errors.image} testId="runtime-image-error" />
      </Field>
      <Field label="Command" hint="optional; the image’s entrypoint runs otherwise">
        <CodeInput
          value={form.imageCommand}
          onChange={(imageCommand) => set({ imageCommand })}
          placeholder="python -m model.serve"
          testId="runtime-image-command"
        />
        <FieldError show={showErrors} message={errors.imageCommand} testId="runtime-image-command-error" />
      </Field>
    </div>
  );
}
