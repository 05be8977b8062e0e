import { numeric, Table } from '@/components/ui/table';
import { formatValue } from '@/lib/format';
import { formatSpread, readConsensusOutput } from './consensus-output';
import { HighSpreadBadge } from './high-spread-badge';

interface Props {
  output: Record<string, unknown>;
  outputField?: string;
  /** Prefix of every test id inside. */
  testId?: string;
}

/** A consensus answer: the value, each member's value (or why it gave none), the spread and how many members counted. */
export function ConsensusOutputView({ output, outputField, testId = 'consensus' }: Props) {
  const c = readConsensusOutput(output, outputField);
  if (!c) return null;
  const members = Object.entries(c.members);
  return (
    <div className="consensus-output" data-testid={testId}>
      <div className="consensus-head">
        <div>
          <div className="label">
            Consensus <code>{c.field}</code>
          </div>
          <div className="consensus-value" data-testid={`${testId}-value`}>
            {formatValue(c.value)}
          </div>
        </div>
        {c.highSpread && <HighSpreadBadge testId={`${testId}-high-spread`} />}
      </div>
      <dl className="kv">
        <dt>Spread</dt>
        <dd data-testid={`${testId}-spread`}>{formatSpread(c.spread)}</dd>
        <dt>Members counted</dt>
        <dd data-testid={`${testId}-member-count`}>
          {c.memberCount ?? '—'} of {members.length}
        </dd>
      </dl>
      <Table head={['Member', numeric('Value')]} className="compact" testId={`${testId}-members`}>
        {members.map(([key, value]) => (
          <tr key={key} data-testid={`${testId}-member-${key}`} data-failed={value === null}>
            <td>
              <code>{key}</code>
            </td>
            <td className="num" data-testid={`${testId}-member-value-${key}`}>
              {value === null ? <span className="result-error">{c.failedMembers[key] ?? 'no value'}</span> : formatValue(value)}
            </td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
