'use client';

import { useState } from 'react';
import { SchemaTable } from '@/features/outputs/schema-table';
import type { ModelDetail } from '@/lib/types';
import { CodeSnippets } from './code-snippets';
import { defaultRef, refOptions } from './model-refs';
import { TryItForm } from './try-it-form';

/** The try-it form, the schemas and the snippets for one chosen alias or version. */
export function TryItCard({ model }: { model: ModelDetail }) {
  const options = refOptions(model);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const ref = chosen && options.some((o) => o.ref === chosen) ? chosen : defaultRef(model);
  const selected = options.find((o) => o.ref === ref);

  if (!selected) {
    return (
      <section className="card">
        <h2>Try it</h2>
        <p className="muted" data-testid="tryit-unavailable">
          This model has no published version yet, so it cannot run.
        </p>
      </section>
    );
  }
  const modelRef = `${model.slug}@${selected.ref}`;
  return (
    <>
      <section className="card">
        <div className="row spread wrap card-title-row">
          <h2>Try it</h2>
          <label className="row small">
            <span className="muted">Run</span>
            <select className="input select" value={selected.ref} onChange={(e) => setChosen(e.target.value)} data-testid="tryit-version">
              {options.map((o) => (
                <option key={o.ref} value={o.ref}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        {selected.version.status === 'deprecated' && (
          <div className="alert alert-warning tryit-warning" data-testid="tryit-deprecated">
            v{selected.version.version} is deprecated: it still runs for callers who name it, but its owner recommends a newer version.
          </div>
        )}
        <TryItForm key={modelRef} modelRef={modelRef} version={selected.version} />
      </section>
      <div className="two-col">
        <section className="card">
          <h2>Input schema</h2>
          <SchemaTable schema={selected.version.inputSchema} testId="input-schema" />
        </section>
        <section className="card">
          <h2>Output schema</h2>
          <SchemaTable schema={selected.version.outputSchema} testId="output-schema" />
        </section>
      </div>
      <section className="card">
        <h2>Call it from code</h2>
        <CodeSnippets slug={modelRef} example={selected.version.example ?? { smiles: 'CCO' }} />
      </section>
    </>
  );
}
