'use client';

import { CodeInput } from '@/components/ui/code-input';
import { Field } from '@/components/ui/field';
import type { Strategy } from '@/lib/types';
import type { ValueKind } from './consensus';
import { FITTED_STRATEGIES, formOutputField, formQuorum, type ConsensusForm } from './consensus-form-state';

interface Props {
  form: ConsensusForm;
  set: (patch: Partial<ConsensusForm>) => void;
  strategies: Strategy[];
  /** The strategy in effect: the chosen one when it fits the members, else the first that does. */
  strategy: string;
  kind: ValueKind | 'mixed' | null;
}

/** How the members combine: strategy and its params, quorum, and the name of the consensus value. */
export function ConsensusStrategyFields({ form, set, strategies, strategy, kind }: Props) {
  const fits = (s: Strategy) => kind === null || kind === 'mixed' || s.kind === kind;
  const chosen = strategies.find((s) => s.name === strategy);
  const members = form.members.length;
  return (
    <div className="stack-sm">
      {kind === 'mixed' && (
        <div className="alert alert-warning" data-testid="consensus-kind-mixed">
          The chosen fields mix numbers and class labels; members must agree on type.
        </div>
      )}
      <div className="form-grid">
        <Field label="Strategy" required hint={kind && kind !== 'mixed' && `for ${kind === 'number' ? 'numbers' : 'class labels'}`}>
          <select className="input select" value={strategy} onChange={(e) => set({ strategy: e.target.value })} data-testid="consensus-strategy">
            {strategies.filter(fits).map((s) => (
              <option key={s.name} value={s.name} disabled={FITTED_STRATEGIES.has(s.name)}>
                {s.name}
                {FITTED_STRATEGIES.has(s.name) ? ' — fit from an evaluation' : ''}
              </option>
            ))}
          </select>
          {chosen && (
            <small className="muted" data-testid="consensus-strategy-description">
              {chosen.description}
            </small>
          )}
          <small className="muted">
            inverse-error and stacking learn their weights from measured data: build with another strategy, then fit them from an evaluation.
          </small>
        </Field>
        <div className="form-grid tight">
          {strategy === 'trimmed-mean' && <ParamField form={form} set={set} name="trim" label="Trim" note="fraction cut from each end, 0 to 0.5" />}
          {chosen?.kind === 'number' && (
            <ParamField form={form} set={set} name="highSpread" label="High spread above σ" note="in output units; flags items where members disagree" />
          )}
          {chosen?.kind === 'label' && (
            <ParamField form={form} set={set} name="minAgreement" label="Minimum agreement" note="fraction of members; below it the item is flagged" />
          )}
        </div>
      </div>
      <div className="form-grid">
        <Field label="Quorum" required hint={`members that must give a value, 1–${members}`}>
          <input
            className="input"
            type="number"
            min={1}
            max={members}
            value={formQuorum(form)}
            onChange={(e) => set({ quorum: e.target.value })}
            data-testid="consensus-quorum"
          />
        </Field>
        <Field label="Output field" required hint="the consensus value’s name in results">
          <CodeInput value={formOutputField(form)} onChange={(outputField) => set({ outputField })} testId="consensus-output-field" />
        </Field>
      </div>
    </div>
  );
}

interface ParamProps {
  form: ConsensusForm;
  set: (patch: Partial<ConsensusForm>) => void;
  name: 'trim' | 'highSpread' | 'minAgreement';
  label: string;
  note: string;
}

/** One of the strategy's parameters: a decimal number, with what it means under it. */
function ParamField({ form, set, name, label, note }: ParamProps) {
  return (
    <Field label={label}>
      <input className="input" inputMode="decimal" value={form[name]} onChange={(e) => set({ [name]: e.target.value })} data-testid={`consensus-param-${name}`} />
      <small className="muted">{note}</small>
    </Field>
  );
}
