'use client';

import { useState, type FormEvent } from 'react';
import type { ResultRange } from '@/shared/results-query';

/** A range on one numeric output field: applied when submitted, cleared with "Clear". */
export function ResultsRangeFilter({ fields, value, onChange }: { fields: string[]; value?: ResultRange; onChange: (r: ResultRange | undefined) => void }) {
  const [field, setField] = useState(value?.field ?? fields[0] ?? '');
  const [min, setMin] = useState(value?.min?.toString() ?? '');
  const [max, setMax] = useState(value?.max?.toString() ?? '');
  if (fields.length === 0) return null;
  const num = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Number(s));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const range = { field: field || fields[0], min: num(min), max: num(max) };
    onChange(range.min === undefined && range.max === undefined ? undefined : range);
  };
  return (
    <form className="results-range" onSubmit={apply} data-testid="results-range">
      <select className="input input-sm" value={field} onChange={(e) => setField(e.target.value)} aria-label="Field" data-testid="results-range-field">
        {fields.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
      <input className="input input-sm" inputMode="decimal" placeholder="min" value={min} onChange={(e) => setMin(e.target.value)} aria-label="Minimum" data-testid="results-range-min" />
      <input className="input input-sm" inputMode="decimal" placeholder="max" value={max} onChange={(e) => setMax(e.target.value)} aria-label="Maximum" data-testid="results-range-max" />
      <button type="submit" className="btn btn-secondary btn-sm" data-testid="results-range-apply">
        Filter
      </button>
      {value && (
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={() => {
            setMin('');
            setMax('');
            onChange(undefined);
          }}
          data-testid="results-range-clear"
        >
          Clear
        </button>
      )}
    </form>
  );
}
