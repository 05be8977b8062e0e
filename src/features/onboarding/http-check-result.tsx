import { ErrorBox } from '@/components/ui/error-box';
import type { HttpCheck } from '@/lib/types';

type Tensor = { name: string; datatype: string; shape: number[] };

function Tensors({ title, tensors }: { title: string; tensors: Tensor[] }) {
  if (!tensors.length) return null;
  return (
    <div>
      <div className="label">{title}</div>
      {tensors.map((t) => (
        <code key={t.name} className="tensor">
          {t.name}: {t.datatype} [{t.shape.join(', ')}]
        </code>
      ))}
    </div>
  );
}

/** What the Check button found: ready (with the served model's metadata) or why not. */
export function HttpCheckResult({ check }: { check: HttpCheck }) {
  if (!check.ok) return <ErrorBox code={check.code} message={check.message} testId="runtime-check-error" />;
  const meta = check.metadata;
  return (
    <div className="alert alert-success" data-testid="runtime-check-ok">
      <strong>Ready.</strong>
      {meta ? (
        <div className="check-meta" data-testid="runtime-check-metadata">
          <span>
            Serves <code>{meta.name}</code>
            {meta.platform && <> on {meta.platform}</>}
            {meta.versions?.length ? <> (versions {meta.versions.join(', ')})</> : null}
          </span>
          <Tensors title="Inputs" tensors={meta.inputs} />
          <Tensors title="Outputs" tensors={meta.outputs} />
        </div>
      ) : (
        <span>The server answers at this URL.</span>
      )}
    </div>
  );
}
