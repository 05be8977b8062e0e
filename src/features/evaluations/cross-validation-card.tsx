import { Badge } from '@/components/ui/badge';
import { numeric, Table, type TableHead } from '@/components/ui/table';
import { formatMetric } from '@/lib/format';
import type { Evaluation } from '@/lib/types';
import { CalibrationTable } from './calibration-table';

type CrossValidation = NonNullable<Evaluation['crossValidation']>;
type Report = NonNullable<CrossValidation['report']>;
type Interval = Report['consensusVsBestMember'];

const SOURCES: Record<string, string> = {
  retrained: 'retrained on the other folds',
  fixed: 'a fixed model: never fitted on these data',
  'cross-fitted': 'fitted on the other folds',
  combined: 'combined from out-of-fold member values',
};

function IntervalText({ i, testId }: { i: Interval; testId?: string }) {
  if (!i) return <span data-testid={testId}>—</span>;
  return (
    <span data-testid={testId} title={`${Math.round(i.level * 100)}% percentile bootstrap, ${i.resamples} resamples`}>
      {formatMetric(i.estimate)} <span className="muted small">[{formatMetric(i.low)}, {formatMetric(i.high)}]</span>
    </span>
  );
}

const HEAD: TableHead[] = ['Name', 'Role', 'Out of fold by', numeric('n'), numeric('RMSE [95% CI]'), numeric('MAE'), numeric('R²')];

/** The out-of-fold side of a cross-validated evaluation: the table, the consensus against its best member, candidates and calibration. */
export function CrossValidationCard({ cv }: { cv: CrossValidation }) {
  const r = cv.report;
  const d = r?.consensusVsBestMember ?? null;
  return (
    <section className="card stack-sm" data-testid="cv-card">
      <div className="row spread wrap">
        <h2>
          Out of fold <Badge tone="green">{cv.folds}-fold cross-validation</Badge>
        </h2>
        <span className="muted small" data-testid="cv-retraining">
          {cv.retraining.total
            ? `${cv.retraining.succeeded} of ${cv.retraining.total} fold models trained${cv.retraining.failed ? `, ${cv.retraining.failed} failed` : ''}${cv.retraining.pending ? `, ${cv.retraining.pending} to go` : ''}`
            : 'no trained model to retrain'}{' '}
          · seed {cv.seed}
        </span>
      </div>
      <p className="muted small">Every figure here scores a model on molecules it did not learn from: the honest estimate for new molecules.</p>
      {cv.retraining.errors.map((e) => (
        <p key={`${e.key}-${e.fold}`} className="alert alert-error small" data-testid="cv-fold-error">
          {e.key || 'model'}, fold {e.fold + 1}: {e.error}
        </p>
      ))}
      {!r ? (
        <p className="muted" data-testid="cv-pending">
          The out-of-fold table appears once the job and every fold have ended.
        </p>
      ) : (
        <>
          <Table head={HEAD} testId="cv-table">
            {r.entries.map((m) => (
              <tr key={m.name} data-testid="cv-row" data-name={m.name} data-role={m.role} data-best={m.name === r.bestMember}>
                <td>
                  <code>{m.name}</code>
                </td>
                <td>
                  <Badge tone={m.role === 'consensus' ? 'purple' : 'neutral'}>{m.role}</Badge>
                </td>
                <td className="small">{SOURCES[m.source] ?? m.source}</td>
                <td className="num">{m.metrics.n.toLocaleString()}</td>
                <td className="num" data-testid="cv-rmse">
                  <IntervalText i={m.rmseInterval} />
                </td>
                <td className="num">{formatMetric(m.metrics.mae)}</td>
                <td className="num">{formatMetric(m.metrics.r2)}</td>
              </tr>
            ))}
          </Table>
          {d && (
            <p data-testid="cv-vs-best">
              Consensus − best member (<code>{r.bestMember}</code>), paired bootstrap of RMSE: <IntervalText i={d} testId="cv-vs-best-interval" />{' '}
              <Badge tone={d.high < 0 ? 'green' : d.low > 0 ? 'red' : 'neutral'}>
                {d.high < 0 ? 'the consensus is better' : d.low > 0 ? 'the best member is better' : 'no clear difference'}
              </Badge>
            </p>
          )}
          {r.candidates.length > 0 && (
            <details data-testid="cv-candidates">
              <summary>Other consensuses of these members, out of fold ({r.candidates.length})</summary>
              <Table head={['Members', 'Strategy', numeric('RMSE'), numeric('− best member [95% CI]')]} className="compact">
                {r.candidates.map((c) => (
                  <tr key={`${c.members.join('+')}-${c.strategy}`}>
                    <td>
                      <code>{c.members.join(' + ')}</code>
                    </td>
                    <td>{c.strategy}</td>
                    <td className="num">{formatMetric(c.metrics.rmse)}</td>
                    <td className="num">
                      <IntervalText i={c.vsBestMember} />
                    </td>
                  </tr>
                ))}
              </Table>
            </details>
          )}
          {r.calibration && (
            <CalibrationTable
              report={r.calibration}
              testId="cv-calibration"
              intro="Error against the members’ spread, with the interval a calibration learnt on the other folds states."
            />
          )}
        </>
      )}
    </section>
  );
}
