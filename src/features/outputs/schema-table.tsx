import { Table } from '@/components/ui/table';
import { schemaFields } from './schema';

export function SchemaTable({ schema, testId }: { schema: Record<string, unknown>; testId?: string }) {
  const fields = schemaFields(schema);
  if (fields.length === 0) return <p className="muted">This schema declares no fields.</p>;
  return (
    <Table head={['Field', 'Type', 'Title / description', 'Required']} testId={testId}>
      {fields.map((f) => (
        <tr key={f.name} data-testid={testId ? `${testId}-row-${f.name}` : undefined}>
          <td>
            <code>{f.name}</code>
          </td>
          <td>
            <code className="type">{f.type}</code>
            {f.format && <span className="tag">{f.format}</span>}
          </td>
          <td>
            {f.title && <strong>{f.title}</strong>}
            {f.description && <div className="muted small">{f.description}</div>}
          </td>
          <td>{f.required ? <span className="yes">yes</span> : <span className="muted">no</span>}</td>
        </tr>
      ))}
    </Table>
  );
}
