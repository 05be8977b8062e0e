'use client';

import { useState } from 'react';
import { Table, type TableHead } from '@/components/ui/table';
import type { JsonSchema } from '@/lib/types';
import { SchemaFieldRow } from './schema-field-row';
import { emptyRow, parseRawSchema, rowProblems, rowsFromSchema, schemaFromRows, type SchemaRow } from './schema-rows';

const HEAD: TableHead[] = ['Field', 'Type', 'Format', 'Title', 'Description', 'Required', ''];

interface Props {
  title: string;
  initial: JsonSchema;
  /** The edited schema, or null while it has a problem the editor shows. */
  onChange: (schema: JsonSchema | null) => void;
  testId: string;
}

/** An object schema as an editable table of its fields, with raw JSON for everything else. */
export function SchemaEditor({ title, initial, onChange, testId }: Props) {
  const [table, setTable] = useState(() => rowsFromSchema(initial));
  const [mode, setMode] = useState<'table' | 'raw'>('table');
  const [raw, setRaw] = useState('');
  const [rawError, setRawError] = useState<string | null>(null);
  const problems = rowProblems(table.rows);

  function setRows(rows: SchemaRow[]) {
    setTable({ ...table, rows });
    onChange(rowProblems(rows).length ? null : schemaFromRows(table.base, rows));
  }

  function toRaw() {
    setRaw(JSON.stringify(schemaFromRows(table.base, table.rows), null, 2));
    setRawError(null);
    setMode('raw');
  }

  function toTable() {
    const parsed = parseRawSchema(raw);
    if ('error' in parsed) return setRawError(parsed.error);
    setTable(rowsFromSchema(parsed.schema));
    setMode('table');
  }

  function onRaw(text: string) {
    setRaw(text);
    const parsed = parseRawSchema(text);
    setRawError('error' in parsed ? parsed.error : null);
    onChange('error' in parsed ? null : parsed.schema);
  }

  return (
    <div className="schema-editor" data-testid={testId} data-mode={mode}>
      <div className="row spread">
        <h3>{title}</h3>
        <button type="button" className="link small" onClick={mode === 'table' ? toRaw : toTable} data-testid={`${testId}-raw-toggle`}>
          {mode === 'table' ? 'Edit raw JSON' : 'Back to the table'}
        </button>
      </div>
      {mode === 'raw' ? (
        <>
          <textarea className="input mono textarea" rows={12} value={raw} onChange={(e) => onRaw(e.target.value)} spellCheck={false} data-testid={`${testId}-raw`} />
          {rawError && (
            <small className="field-error" role="alert" data-testid={`${testId}-raw-error`}>
              {rawError}
            </small>
          )}
        </>
      ) : (
        <>
          <Table head={HEAD} className="schema-edit-table">
            {table.rows.map((r) => (
              <SchemaFieldRow
                key={r.key}
                row={r}
                testId={testId}
                onChange={(next) => setRows(table.rows.map((x) => (x.key === r.key ? next : x)))}
                onRemove={() => setRows(table.rows.filter((x) => x.key !== r.key))}
              />
            ))}
            {table.rows.length === 0 && (
              <tr>
                <td colSpan={7} className="muted" data-testid={`${testId}-empty`}>
                  No fields: any object is accepted. Add fields, or propose them from the example.
                </td>
              </tr>
            )}
          </Table>
          <div className="row spread">
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => setRows([...table.rows, emptyRow()])} data-testid={`${testId}-add`}>
              + Add field
            </button>
          </div>
          {problems.length > 0 && (
            <ul className="field-error problems" role="alert" data-testid={`${testId}-problems`}>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
