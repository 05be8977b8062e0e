import { Badge, type BadgeTone } from '@/components/ui/badge';
import { numeric, Table, type TableHead } from '@/components/ui/table';
import { formatMetric } from '@/lib/format';
import type { EvaluationMetric } from '@/lib/types';

const ROLE_TONES: Record<string, BadgeTone> = { consensus: 'purple', model: 'blue', member: 'neutral' };

const HEAD: TableHead[] = ['Name', 'Role', 'Field', numeric('n'), numeric('RMSE'), numeric('MAE'), numeric('R²'), numeric('Bias')];

/** RMSE, MAE, R² and bias of the model and each member side by side; the lowest RMSE is highlighted. */
export function MetricsTable({ metrics }: { metrics: EvaluationMetric[] }) {
  const scored = metrics.filter((m) => m.rmse !== null);
  const best = scored.length > 1 ? Math.min(...scored.map((m) => m.rmse!)) : null;
  return (
    <Table head={HEAD} testId="metrics-table">
      {metrics.map((m) => {
        const isBest = best !== null && m.rmse === best;
        return (
          <tr key={`${m.role}-${m.name}`} className={isBest ? 'row-best' : ''} data-testid="metrics-row" data-name={m.name} data-role={m.role} data-best={isBest}>
            <td>
              <code>{m.name}</code>
            </td>
            <td>
              <Badge tone={ROLE_TONES[m.role] ?? 'neutral'}>{m.role}</Badge>
            </td>
            <td>
              <code>{m.field}</code>
            </td>
            <td className="num" data-testid="metric-n">
              {m.n.toLocaleString()}
            </td>
            <td className="num" data-testid="metric-rmse">
              {formatMetric(m.rmse)}
              {isBest && (
                <>
                  {' '}
                  <Badge tone="green" testId="metric-best">
                    best
                  </Badge>
                </>
              )}
            </td>
            <td className="num" data-testid="metric-mae">
              {formatMetric(m.mae)}
            </td>
            <td className="num" data-testid="metric-r2">
              {formatMetric(m.r2)}
            </td>
            <td className="num" data-testid="metric-bias">
              {formatMetric(m.bias)}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
