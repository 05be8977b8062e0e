import { CodeInput } from '@/components/ui/code-input';
import { FieldError } from '@/components/ui/field-error';
import { switchExampleMode, type ExampleForm } from './runtime-form';

interface Props {
  form: ExampleForm;
  onChange: (form: ExampleForm) => void;
  error: string | null;
  showErrors: boolean;
}

/** The example input that the smoke test runs and schemas are proposed from. */
export function ExampleInputField({ form, onChange, error, showErrors }: Props) {
  return (
    <div className="field">
      <span className="row spread">
        <span>
          Example input <span className="req">*</span>{' '}
          <small className="muted">one input the model must answer; it becomes the smoke test</small>
        </span>
        <span className="segmented" role="tablist">
          <button
            type="button"
            className={form.mode === 'smiles' ? 'active' : ''}
            onClick={() => onChange(switchExampleMode(form, 'smiles'))}
            data-testid="example-mode-smiles"
          >
            SMILES
          </button>
          <button
            type="button"
            className={form.mode === 'json' ? 'active' : ''}
            onClick={() => onChange(switchExampleMode(form, 'json'))}
            data-testid="example-mode-json"
          >
            Raw JSON
          </button>
        </span>
      </span>
      {form.mode === 'smiles' ? (
        <CodeInput
          value={form.smiles}
          onChange={(smiles) => onChange({ ...form, smiles })}
          placeholder="c1ccccc1O"
          aria-label="Example SMILES"
          testId="example-smiles"
        />
      ) : (
        <textarea
          className="input mono textarea"
          rows={5}
          value={form.json}
          onChange={(e) => onChange({ ...form, json: e.target.value })}
          spellCheck={false}
          aria-label="Example input as JSON"
          data-testid="example-json"
        />
      )}
      <small className="muted">{form.mode === 'smiles' ? <>Sent as {'{"smiles": "…"}'}.</> : 'A JSON object: the input of one item.'}</small>
      <FieldError show={showErrors} message={error} testId="example-error" />
    </div>
  );
}
