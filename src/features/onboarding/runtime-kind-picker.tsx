import type { RuntimeKind } from './runtime-form';

const KINDS: { kind: RuntimeKind; title: string; blurb: string }[] = [
  { kind: 'bundle', title: 'Upload a bundle', blurb: 'Your model folder as .tar.gz or .zip: a program speaking JSON Lines, run sandboxed and kept warm by the worker.' },
  { kind: 'process', title: 'Command on the worker (admins)', blurb: 'A program already installed on the worker host, outside any bundle. Only administrators may register one.' },
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
