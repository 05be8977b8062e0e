import type { RuntimeKind } from './runtime-form';

const KINDS: { kind: RuntimeKind; title: string; blurb: string }[] = [
  { kind: 'process', title: 'Command on the worker', blurb: 'A program that speaks JSON Lines on stdin/stdout, kept warm by the worker.' },
  { kind: 'http', title: 'Served model (URL)', blurb: 'A model already served over the Open Inference Protocol v2 or plain JSON.' },
  { kind: 'kubernetes', title: 'Container image (Kubernetes)', blurb: 'An image run as a Kubernetes Job per task, with GPU limits.' },
];

export function RuntimeKindPicker({ value, onChange }: { value: RuntimeKind; onChange: (kind: RuntimeKind) => void }) {
  return (
    <div className="choice-cards" role="radiogroup" aria-label="How the model runs">
      {KINDS.map((k) => (
        <label key={k.kind} className={value === k.kind ? 'choice-card active' : 'choice-card'} data-testid={`runtime-kind-${k.kind}`}>
          <input type="radio" name="runtime-kind" value={k.kind} checked={value === k.kind} onChange={() => onChange(k.kind)} />
          <span className="choice-title">{k.title}</span>
          <span className="muted small">{k.blurb}</span>
        </label>
      ))}
    </div>
  );
}
