import { CodeInput } from '@/components/ui/code-input';
import { Field } from '@/components/ui/field';
import { FieldError } from '@/components/ui/field-error';
import { SECRET_MASK } from '@/shared/secrets';
import { parseCommandLine } from './command-line';
import type { RuntimeErrors, RuntimeForm } from './runtime-form';

interface Props {
  form: RuntimeForm;
  set: (patch: Partial<RuntimeForm>) => void;
  errors: RuntimeErrors;
  showErrors: boolean;
  /** The command runs inside an uploaded bundle rather than on the worker host. */
  inBundle?: boolean;
}

export function ProcessRuntimeFields({ form, set, errors, showErrors, inBundle = false }: Props) {
  const parsed = parseCommandLine(form.commandLine);
  return (
    <div className="stack-sm">
      <Field label="Command" required hint="split like a shell would; nothing is expanded">
        <CodeInput
          value={form.commandLine}
          onChange={(commandLine) => set({ commandLine })}
          placeholder="python3 main.py --model weights.pt"
          testId="runtime-command"
        />
        {'argv' in parsed && parsed.argv.length > 0 && (
          <div className="argv" data-testid="runtime-argv">
            {parsed.argv.map((a, i) => (
              <code key={i} className="argv-item">
                {a}
              </code>
            ))}
          </div>
        )}
        <FieldError show={showErrors || 'error' in parsed} message={errors.commandLine} testId="runtime-command-error" />
      </Field>
      <Field
        label="Working directory"
        hint={inBundle ? 'a folder inside the bundle; empty for its root' : 'absolute path on the worker; the command runs there'}
      >
        <CodeInput value={form.cwd} onChange={(cwd) => set({ cwd })} placeholder={inBundle ? 'src' : '/opt/models/my-model'} testId="runtime-cwd" />
        <FieldError show={showErrors || !!form.cwd} message={errors.cwd} testId="runtime-cwd-error" />
      </Field>
      <Field label="Environment" hint={`optional, one KEY=value a line; values are stored encrypted and shown to nobody (${SECRET_MASK} keeps a stored value)`}>
        <textarea
          className="input mono textarea"
          rows={3}
          value={form.envText}
          onChange={(e) => set({ envText: e.target.value })}
          placeholder={inBundle ? 'MODEL_WEIGHTS=/bundle/weights.pt\nMODEL_DEVICE=cpu' : 'OMP_NUM_THREADS=1\nMODEL_WEIGHTS=/data/weights.pt'}
          spellCheck={false}
          autoComplete="off"
          data-testid="runtime-env"
        />
        <FieldError show={showErrors} message={errors.envText} testId="runtime-env-error" />
      </Field>
    </div>
  );
}
