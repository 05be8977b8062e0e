'use client';

import { refOptions } from '@/features/models/model-refs';
import type { ModelDetail, ModelSummary } from '@/lib/types';
import { outputFieldOptions } from './consensus';
import type { MemberRow } from './consensus-form-state';

interface Props {
  index: number;
  row: MemberRow;
  models: ModelSummary[];
  detail: ModelDetail | undefined;
  onChange: (patch: Partial<MemberRow>) => void;
  onRemove: () => void;
  canRemove: boolean;
}

/** One member: which model, which version or alias, which output field, and how it is weighed and converted. */
export function ConsensusMemberRow({ index, row, models, detail, onChange, onRemove, canRemove }: Props) {
  const refs = detail ? refOptions(detail) : [];
  const version = refs.find((o) => o.ref === row.ref)?.version;
  const fields = outputFieldOptions(version?.outputSchema);
  const loading = !!row.slug && !detail;
  return (
    <tr data-testid={`consensus-member-${index}`} data-slug={row.slug}>
      <td>
        <select
          className="input input-sm select"
          value={row.slug}
          onChange={(e) => onChange({ slug: e.target.value, ref: '', field: '' })}
          aria-label={`Member ${index + 1} model`}
          data-testid="member-model"
        >
          <option value="">Choose a model…</option>
          {models.map((m) => (
            <option key={m.slug} value={m.slug}>
              {m.name} ({m.slug})
            </option>
          ))}
        </select>
      </td>
      <td>
        <select
          className="input input-sm select"
          value={row.ref}
          onChange={(e) => onChange({ ref: e.target.value })}
          disabled={!detail}
          aria-label={`Member ${index + 1} version or alias`}
          data-testid="member-ref"
        >
          {loading && <option value="">Loading…</option>}
          {refs.map((o) => (
            <option key={o.ref} value={o.ref}>
              {o.label}
            </option>
          ))}
        </select>
      </td>
      <td>
        <select
          className="input input-sm select"
          value={row.field}
          onChange={(e) => onChange({ field: e.target.value })}
          disabled={!version}
          aria-label={`Member ${index + 1} output field`}
          data-testid="member-field"
        >
          <option value="">Choose a field…</option>
          {fields.map((f) => (
            <option key={f.name} value={f.name} disabled={f.kind === null}>
              {f.name} — {f.kind ?? `${f.type}, cannot be combined`}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          className="input input-sm mono"
          value={row.name}
          onChange={(e) => onChange({ name: e.target.value })}
          placeholder={row.slug || 'name'}
          aria-label={`Member ${index + 1} name`}
          data-testid="member-name"
        />
      </td>
      {(['weight', 'scale', 'offset'] as const).map((k) => (
        <td key={k}>
          <input
            className="input input-sm num-input"
            inputMode="decimal"
            value={row[k]}
            onChange={(e) => onChange({ [k]: e.target.value })}
            placeholder={k === 'offset' ? '0' : '1'}
            aria-label={`Member ${index + 1} ${k}`}
            data-testid={`member-${k}`}
          />
        </td>
      ))}
      <td className="actions">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={onRemove}
          disabled={!canRemove}
          aria-label={`Remove member ${index + 1}`}
          data-testid="member-remove"
        >
          ✕
        </button>
      </td>
    </tr>
  );
}
