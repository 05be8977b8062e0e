import { MoleculeImage } from '@/features/outputs/molecule-image';
import { formatDuration } from '@/lib/format';
import type { JobResult } from '@/lib/types';
import { CachedBadge } from './cached-badge';
import { ResultCell } from './result-cell';
import type { ResultColumn } from './result-columns';

function smilesOf(r: JobResult): { canonical: string; submitted: string | null } {
  const canonical = typeof r.input.smiles === 'string' ? r.input.smiles : '';
  const sub = r.submitted && typeof r.submitted.smiles === 'string' ? r.submitted.smiles : null;
  return { canonical, submitted: sub !== null && sub !== canonical ? sub : null };
}

/** One item of a job: the molecule, its outputs, or the error spanning the output columns. */
export function JobResultRow({ result: r, columns }: { result: JobResult; columns: ResultColumn[] }) {
  const { canonical, submitted } = smilesOf(r);
  const failed = r.status === 'failed';
  return (
    <tr data-testid={`result-row-${r.index}`} data-status={r.status} className={failed ? 'row-failed' : ''}>
      <td className="num muted">{r.index}</td>
      <td className="structure">
        {failed && r.errorCode === 'INVALID_INPUT' ? (
          <div className="molecule molecule-empty" style={{ width: 100, height: 75 }}>
            invalid
          </div>
        ) : (
          <MoleculeImage smiles={canonical} width={100} height={75} />
        )}
      </td>
      <td className="smiles-cell">
        <code className="smiles" data-testid="result-smiles">
          {canonical || submitted || '—'}
        </code>
        {submitted && canonical && (
          <div className="muted small" data-testid="result-submitted">
            submitted: <code>{submitted}</code>
          </div>
        )}
      </td>
      {failed ? (
        <td colSpan={Math.max(1, columns.length)} className="result-error" data-testid="result-error">
          <span className="error-code" data-testid="result-error-code">
            {r.errorCode ?? 'ERROR'}
          </span>{' '}
          <span data-testid="result-error-message">{r.error}</span>
        </td>
      ) : (
        columns.map((c) => <ResultCell key={`${c.kind}-${c.key}`} column={c} output={r.output} />)
      )}
      <td className="num muted">
        {r.cachedFrom ? <CachedBadge from={r.cachedFrom} /> : formatDuration(r.durationMs)}
      </td>
    </tr>
  );
}
