import { numeric, Table } from '@/components/ui/table';
import { readConsensusOutput } from '@/features/outputs/consensus-output';
import { ConsensusOutputView } from '@/features/outputs/consensus-output-view';
import { schemaFields } from '@/features/outputs/schema';
import { formatValue } from '@/lib/format';
import type { JsonSchema } from '@/lib/types';

/** The smoke test's output, field by field against the output schema. */
export function SmokeOutputTable({ output, schema }: { output: Record<string, unknown>; schema: JsonSchema }) {
  if (readConsensusOutput(output)) return <ConsensusOutputView output={output} testId="smoke-consensus" />;
  const fields = schemaFields(schema);
  const declared = new Set(fields.map((f) => f.name));
  const rows = [
    ...fields.map((f) => ({ name: f.name, title: f.title, type: f.format ?? f.type, required: f.required, declared: true })),
    ...Object.keys(output)
      .filter((k) => !declared.has(k))
      .map((k) => ({ name: k, title: undefined, type: 'not in schema', required: false, declared: false })),
  ];
  return (
    <Table head={['Field', 'Schema', numeric('Value')]} testId="smoke-output">
      {rows.map((r) => (
        <tr key={r.name} data-testid={`smoke-output-row-${r.name}`}>
          <td>
            {r.title ?? r.name} <code className="muted small">{r.name}</code>
          </td>
          <td>
            <code className={r.declared ? 'type' : 'muted'}>{r.type}</code>
            {r.required && <span className="tag">required</span>}
          </td>
          <td className="num" data-testid={`smoke-output-value-${r.name}`}>
            {r.name in output ? formatValue(output[r.name]) : <span className="muted">absent</span>}
          </td>
        </tr>
      ))}
    </Table>
  );
}
