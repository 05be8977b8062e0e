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
        Each task runs as a Kubernetes Job in this image, with the version’s CPU, memory and GPUs. Build the image on the gateway’s
        runner base image (k8s/runner), which fetches the task’s inputs and posts the answers back; the smoke test runs it on the
        cluster. A gateway without a cluster answers UNAVAILABLE.
      </div>
      <Field label="Image" required>
        <CodeInput value={form.image} onChange={(image) => set({ image })} placeholder="ghcr.io/acme/docking:1.4" testId="runtime-image" />
        <FieldError show={showErrors} message={errors.image} testId="runtime-image-error" />
      </Field>
      <Field label="Command" hint="optional: the model command the runner starts; the image’s CMD otherwise">
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
