import Link from 'next/link';
import { numeric, Table, type TableHead } from '@/components/ui/table';
import type { ConsensusRuntime } from '@/lib/types';
import { memberKey } from '@/shared/consensus-member';
import { slugOfRef } from '@/shared/model-ref';

const num = (x: number | undefined, fallback: string) => (x === undefined ? <span className="muted">{fallback}</span> : String(x));

const HEAD: TableHead[] = ['Member', 'Model', 'Field', numeric('Weight'), numeric('Scale'), numeric('Offset')];

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
      <Table head={HEAD} className="compact" testId="consensus-definition-members">
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
      </Table>
    </section>
  );
}
