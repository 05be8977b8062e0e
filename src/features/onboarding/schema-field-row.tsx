import { FIELD_FORMATS, FIELD_TYPES, type SchemaRow } from './schema-rows';

interface Props {
  row: SchemaRow;
  onChange: (row: SchemaRow) => void;
  onRemove: () => void;
  testId: string;
}

/** One property of a schema as a table row of inputs. */
export function SchemaFieldRow({ row, onChange, onRemove, testId }: Props) {
  const set = (patch: Partial<SchemaRow>) => onChange({ ...row, ...patch });
  // Types and formats the table does not offer are kept as written, so a loaded schema never loses them.
  const types = FIELD_TYPES.includes(row.type as never) || row.type === '' ? FIELD_TYPES : [...FIELD_TYPES, row.type];
  const formats = FIELD_FORMATS.includes(row.format as never) || row.format === '' ? FIELD_FORMATS : [...FIELD_FORMATS, row.format];
  return (
    <tr data-testid={`${testId}-row`} data-field={row.name}>
      <td>
        <input
          className="input input-sm mono"
          value={row.name}
          onChange={(e) => set({ name: e.target.value })}
          placeholder="field"
          aria-label="Field name"
          spellCheck={false}
          data-testid="schema-field-name"
        />
      </td>
      <td>
        <select className="input input-sm select" value={row.type} onChange={(e) => set({ type: e.target.value })} aria-label="Type" data-testid="schema-field-type">
          <option value="">any</option>
          {types.map((t) => (
            <option key={t} value={t}>
              {t.startsWith('[') ? (JSON.parse(t) as string[]).join(' | ') : t}
            </option>
          ))}
        </select>
      </td>
      <td>
        <select
          className="input input-sm select"
          value={row.format}
          onChange={(e) => set({ format: e.target.value })}
          aria-label="Format"
          data-testid="schema-field-format"
        >
          <option value="">none</option>
          {formats.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input className="input input-sm" value={row.title} onChange={(e) => set({ title: e.target.value })} aria-label="Title" data-testid="schema-field-title" />
      </td>
      <td>
        <input
          className="input input-sm"
          value={row.description}
          onChange={(e) => set({ description: e.target.value })}
          placeholder="units, meaning…"
          aria-label="Description"
          data-testid="schema-field-description"
        />
      </td>
      <td className="center">
        <input type="checkbox" checked={row.required} onChange={(e) => set({ required: e.target.checked })} aria-label="Required" data-testid="schema-field-required" />
      </td>
      <td className="actions">
        <button type="button" className="btn btn-secondary btn-sm" onClick={onRemove} aria-label={`Remove ${row.name || 'field'}`} data-testid="schema-field-remove">
          ✕
        </button>
      </td>
    </tr>
  );
}
