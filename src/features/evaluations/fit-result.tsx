import Link from 'next/link';
import { formatMetric } from '@/lib/format';
import type { FitResult as Fit } from '@/lib/types';

interface Coefficients {
  intercept: number;
  members: Record<string, number>;
}

/** What a fit produced: the members' errors and weights, or the stacking coefficients, and the version it published. */
export function FitResult({ fit, strategy, field }: { fit: Fit; strategy: string; field: string }) {
  const errors = fit.params.errors as Record<string, number> | undefined;
  const coefficients = fit.params.coefficients as Coefficients | undefined;
  const v = fit.version;
  return (
    <div className="alert alert-success fit-result" data-testid="fit-result" data-strategy={strategy}>
      <span>
        <strong>{strategy}</strong> fitted and published as{' '}
        <Link href={`/models/${v.slug}?published=${v.version}`} data-testid="fit-version-link">
          {v.slug}@{v.version}
        </Link>
        .
      </span>
      {strategy === 'inverse-error' && errors && (
        <table className="table compact" data-testid="fit-params">
          <thead>
            <tr>
              <th>Member</th>
              <th className="num">RMSE</th>
              <th className="num">Weight 1/RMSE²</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(errors).map(([k, e]) => (
              <tr key={k}>
                <td>
                  <code>{k}</code>
                </td>
                <td className="num">{formatMetric(e)}</td>
                <td className="num">{formatMetric(1 / (e * e))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {strategy === 'stacking' && coefficients && (
        <code className="fit-formula" data-testid="fit-params">
          {field} ≈ {formatMetric(coefficients.intercept)}
          {Object.entries(coefficients.members).map(([k, c]) => ` ${c < 0 ? '−' : '+'} ${formatMetric(Math.abs(c))}·${k}`)}
        </code>
      )}
    </div>
  );
}
