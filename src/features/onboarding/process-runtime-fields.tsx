import { parseCommandLine } from './command-line';
import type { RuntimeErrors, RuntimeForm } from './runtime-form';
import { FieldError } from '@/components/ui/field-error';

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
      <label className="field">
        <span>
          Command <span className="req">*</span> <small className="muted">split like a shell would; nothing is expanded</small>
        </span>
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
      </label>
      <label className="field">
        <span>
          Working directory <small className="muted">absolute path on the worker; the command runs there</small>
        </span>
        <input
          className="input mono"
          value={form.cwd}
          onChange={(e) => set({ cwd: e.target.value })}
          placeholder="/opt/models/my-model"
          spellCheck={false}
          data-testid="runtime-cwd"
        />
        <FieldError show={showErrors || !!form.cwd} message={errors.cwd} testId="runtime-cwd-error" />
      </label>
      <label className="field">
        <span>
          Environment <small className="muted">optional, one KEY=value a line</small>
        </span>
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
      </label>
    </div>
  );
}
