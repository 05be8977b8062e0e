import { numeric, Table } from '@/components/ui/table';
import { formatMetric } from '@/lib/format';
import type { Evaluation } from '@/lib/types';

type Report = NonNullable<Evaluation['statedCalibration']>;

/** Error against spread in bins, what the uncertainty stated there, and how often its interval held the measured value. */
export function CalibrationTable({ report, intro, testId }: { report: Report; intro: string; testId: string }) {
  return (
    <div className="stack-sm" data-testid={testId}>
      <h3>Uncertainty calibration</h3>
      <p className="muted small">
        {intro} Coverage of the {report.level !== null ? `${Math.round(report.level * 100)}%` : 'stated'} interval:{' '}
        <strong data-testid={`${testId}-coverage`}>{report.coverage !== null ? `${(report.coverage * 100).toFixed(1)}%` : '— (none stated)'}</strong>; Spearman
        correlation of spread and |error|: {formatMetric(report.spearman)}.
      </p>
      <Table head={['Spread', numeric('n'), numeric('RMSE'), numeric('Stated error'), numeric('Coverage')]} className="compact">
        {report.bins.map((b) => (
          <tr key={b.spreadFrom} data-testid={`${testId}-bin`}>
            <td>
              {formatMetric(b.spreadFrom)}–{formatMetric(b.spreadTo)}
            </td>
            <td className="num">{b.n}</td>
            <td className="num">{formatMetric(b.rmse)}</td>
            <td className="num">{formatMetric(b.statedError)}</td>
            <td className="num">{b.coverage !== null ? `${(b.coverage * 100).toFixed(0)}%` : '—'}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
