import { readConsensusOutput } from '@/features/outputs/consensus-output';
import { HighSpreadBadge } from '@/features/outputs/high-spread-badge';
import { formatMetric, formatValue } from '@/lib/format';
import type { ResultColumn } from './result-columns';

/** One output cell of a succeeded result row. */
export function ResultCell({ column: c, output }: { column: ResultColumn; output: Record<string, unknown> | null }) {
  if (c.kind === 'field') {
    return (
      <td className="num" data-testid={`result-value-${c.key}`}>
        {formatValue(output?.[c.key])}
      </td>
    );
  }
  const consensus = readConsensusOutput(output);
  if (c.kind === 'member') {
    const value = consensus?.members[c.key] ?? null;
    const why = consensus?.failedMembers[c.key];
    return (
      <td className="num" data-testid={`result-member-${c.key}`} title={why}>
        {value === null && why ? <span className="result-error small">failed</span> : formatValue(value)}
      </td>
    );
  }
  if (c.kind === 'spread') {
    const s = consensus?.spread;
    return (
      <td className="num" data-testid="result-spread">
        {typeof s?.agreement === 'number' ? `${Math.round(s.agreement * 100)}%` : formatMetric(s?.std)}
      </td>
    );
  }
  return <td data-testid="result-flag">{consensus?.highSpread && <HighSpreadBadge testId="result-high-spread" />}</td>;
}
