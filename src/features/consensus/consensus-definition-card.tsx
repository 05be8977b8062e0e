import Link from 'next/link';
import { memberKey } from '@/shared/consensus-member';
import { slugOfRef } from '@/shared/model-ref';
import type { ConsensusRuntime } from '@/lib/types';

const num = (x: number | undefined, fallback: string) => (x === undefined ? <span className="muted">{fallback}</span> : String(x));

/** What a consensus version combines and how, with a way to score it against measured data. */
export function ConsensusDefinitionCard({ slug, version, runtime }: { slug: string; version: number; runtime: ConsensusRuntime }) {
  const params = Object.entries(runtime.params ?? {});
  return (
    <section className="card stack-sm" data-testid="consensus-definition">
      <div className="row spread wrap">
        <h2>Consensus v{version}</h2>
        <Link href={`/evaluations/new?model=${encodeURIComponent(slug)}`} className="btn btn-secondary btn-sm" data-testid="consensus-evaluate-link">
          Evaluate against measured data
        </Link>
      </div>
      <dl className="kv">
        <dt>Strategy</dt>
        <dd>
          <code data-testid="consensus-definition-strategy">{runtime.strategy}</code>
        </dd>
        <dt>Quorum</dt>
        <dd>
          {runtime.quorum} of {runtime.members.length} members
        </dd>
        <dt>Output</dt>
        <dd>
          <code>{runtime.outputField}</code>
        </dd>
        {params.length > 0 && (
          <>
            <dt>Params</dt>
            <dd>
              <code className="small">{JSON.stringify(runtime.params)}</code>
            </dd>
          </>
        )}
      </dl>
      <div className="table-wrap">
        <table className="table compact" data-testid="consensus-definition-members">
          <thead>
            <tr>
              <th>Member</th>
              <th>Model</th>
              <th>Field</th>
              <th className="num">Weight</th>
              <th className="num">Scale</th>
              <th className="num">Offset</th>
            </tr>
          </thead>
          <tbody>
            {runtime.members.map((m) => (
              <tr key={memberKey(m)}>
                <td>
                  <code>{memberKey(m)}</code>
                </td>
                <td>
                  <Link href={`/models/${slugOfRef(m.ref)}`}>
                    <code>{m.ref}</code>
                  </Link>
                </td>
                <td>
                  <code>{m.field}</code>
                </td>
                <td className="num">{num(m.weight, '1')}</td>
                <td className="num">{num(m.scale, '1')}</td>
                <td className="num">{num(m.offset, '0')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
