import { parseCommandLine } from './command-line';
import type { RuntimeErrors, RuntimeForm } from './runtime-form';
import { FieldError } from '@/components/ui/field-error';
import { Field } from '@/components/ui/field';

interface Props {
  form: RuntimeForm;
  set: (patch: Partial<RuntimeForm>) => void;
  errors: RuntimeErrors;
  showErrors: boolean;
}

export function ProcessRuntimeFields({ form, set, errors, showErrors }: Props) {
  const parsed = parseCommandLine(form.commandLine);
  return (
    <div className="stack-sm">
      <Field label="Command" required hint="split like a shell would; nothing is expanded">
        <input
          className="input mono"
          value={form.commandLine}
          onChange={(e) => set({ commandLine: e.target.value })}
          placeholder="python3 main.py --model weights.pt"
          spellCheck={false}
          data-testid="runtime-command"
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
      <Field label="Working directory" hint="absolute path on the worker; the command runs there">
        <input
          className="input mono"
          value={form.cwd}
          onChange={(e) => set({ cwd: e.target.value })}
          placeholder="/opt/models/my-model"
          spellCheck={false}
          data-testid="runtime-cwd"
        />
        <FieldError show={showErrors || !!form.cwd} message={errors.cwd} testId="runtime-cwd-error" />
      </Field>
      <Field label="Environment" hint="optional, one KEY=value a line">
        <textarea
          className="input mono textarea"
          rows={3}
          value={form.envText}
          onChange={(e) => set({ envText: e.target.value })}
          placeholder={'OMP_NUM_THREADS=1\nMODEL_WEIGHTS=/data/weights.pt'}
          spellCheck={false}
          data-testid="runtime-env"
        />
        <FieldError show={showErrors} message={errors.envText} testId="runtime-env-error" />
      </Field>
    </div>
  );
}
