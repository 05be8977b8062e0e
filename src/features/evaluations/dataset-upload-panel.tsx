'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBox } from '@/components/ui/error-box';
import { Field } from '@/components/ui/field';
import { useTRPC } from '@/lib/trpc';
import type { Dataset } from '@/lib/types';

/** A CSV of molecules with a measured value, chosen as a file or pasted, uploaded as a new dataset. */
export function DatasetUploadPanel({ onUploaded, onCancel }: { onUploaded: (d: Dataset) => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [csv, setCsv] = useState('');
  const [name, setName] = useState('');
  const [smilesColumn, setSmilesColumn] = useState('');
  const [valueColumn, setValueColumn] = useState('');
  const [units, setUnits] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [dropInvalidRows, setDropInvalidRows] = useState(false);
  const [dropped, setDropped] = useState<{ dataset: Dataset; count: number; lines: { line: number; reason: string }[] } | null>(null);
  const upload = useMutation(
    trpc.datasets.upload.mutationOptions({
      onSuccess: async (d) => {
        await queryClient.invalidateQueries({ queryKey: trpc.datasets.list.queryKey() });
        // Dropped lines are shown before going on, so nothing is dropped unseen.
        if (d.dropped.count) setDropped({ dataset: d, ...d.dropped });
        else onUploaded(d);
      },
    }),
  );
  const lines = csv.split(/\r?\n/).filter((l) => l.trim());
  const header = lines[0] ?? '';

  async function onFile(file: File | undefined) {
    setFileError(null);
    if (!file) return;
    try {
      setCsv(await file.text());
      if (!name.trim()) setName(file.name.replace(/\.csv$/i, ''));
    } catch (e) {
      setFileError(`could not read ${file.name}: ${(e as Error).message}`);
    }
  }

  const opt = (s: string) => s.trim() || undefined;
  return (
    <div className="card inset stack-sm" data-testid="dataset-upload">
      <h3>Upload a CSV</h3>
      <p className="muted small">A header line, a SMILES column (named like “smiles”) and a column of measured numbers.</p>
      <Field label="File">
        <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void onFile(e.target.files?.[0])} data-testid="dataset-file" />
      </Field>
      <Field label="…or paste it">
        <textarea
          className="input mono textarea"
          rows={6}
          value={csv}
          onChange={(e) => setCsv(e.target.value)}
          placeholder={'smiles,logS\nCCO,1.10\nc1ccccc1,-1.64'}
          spellCheck={false}
          data-testid="dataset-csv"
        />
        {header && (
          <small className="muted" data-testid="dataset-preview">
            columns: {header} · {Math.max(0, lines.length - 1).toLocaleString()} rows
          </small>
        )}
      </Field>
      <div className="form-grid">
        <Field label="Name" required>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="dataset-name" />
        </Field>
        <Field label="Units">
          <input className="input" value={units} onChange={(e) => setUnits(e.target.value)} placeholder="e.g. log10(mol/L)" data-testid="dataset-units" />
        </Field>
        <Field label="SMILES column">
          <input className="input mono" value={smilesColumn} onChange={(e) => setSmilesColumn(e.target.value)} placeholder="found by name" data-testid="dataset-smiles-column" />
        </Field>
        <Field label="Value column">
          <input className="input mono" value={valueColumn} onChange={(e) => setValueColumn(e.target.value)} placeholder="first numeric column" data-testid="dataset-value-column" />
        </Field>
      </div>
      <label className="row small">
        <input type="checkbox" checked={dropInvalidRows} onChange={(e) => setDropInvalidRows(e.target.checked)} data-testid="dataset-drop-invalid" />
        <span>Drop rows that cannot be used (bad SMILES, non-numeric values) and keep the rest; otherwise the upload lists them so you can fix the file</span>
      </label>
      {fileError && <ErrorBox code="INVALID_INPUT" message={fileError} testId="dataset-file-error" />}
      {upload.isError && <ErrorBox error={upload.error} testId="dataset-upload-error" />}
      {dropped && (
        <div className="card inset stack-sm" data-testid="dataset-dropped">
          <p className="small">
            Uploaded {dropped.dataset.rowCount.toLocaleString()} rows; dropped {dropped.count.toLocaleString()}:{' '}
            {dropped.lines.map((l) => `line ${l.line} (${l.reason})`).join(', ')}
            {dropped.count > dropped.lines.length ? ', …' : ''}
          </p>
          <button type="button" className="btn btn-primary" onClick={() => onUploaded(dropped.dataset)} data-testid="dataset-dropped-continue">
            Continue
          </button>
        </div>
      )}
      <div className="row">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!csv.trim() || !name.trim() || upload.isPending || !!dropped}
          onClick={() =>
            upload.mutate({ name: name.trim(), csv, smilesColumn: opt(smilesColumn), valueColumn: opt(valueColumn), units: opt(units), dropInvalidRows })
          }
          data-testid="dataset-upload-submit"
        >
          {upload.isPending ? 'Uploading…' : 'Upload dataset'}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel} data-testid="dataset-upload-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}
