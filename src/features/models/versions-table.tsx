import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Table } from '@/components/ui/table';
import { formatDate, formatDuration } from '@/lib/format';
import type { ModelVersion } from '@/lib/types';
import { DeprecateButton } from './deprecate-button';

const TONES: Record<string, BadgeTone> = { published: 'green', deprecated: 'amber', draft: 'neutral', validated: 'blue' };
const HEAD = ['Version', 'Status', 'Runtime', 'Batch size', 'Timeout', 'Digest', 'Published'];

interface Props {
  versions: ModelVersion[];
  /** Alias names per version number. */
  aliases?: Map<number, string[]>;
  /** Shows the owner's actions (deprecate). */
  canEdit?: boolean;
}

export function VersionsTable({ versions, aliases = new Map(), canEdit = false }: Props) {
  return (
    <Table head={canEdit ? [...HEAD, ''] : HEAD} testId="versions-table">
      {versions.map((v) => (
        <tr key={v.version} data-testid={`version-row-${v.version}`} data-status={v.status}>
          <td>
            <div className="row wrap">
              <strong>v{v.version}</strong>
              {(aliases.get(v.version) ?? []).map((a) => (
                <span key={a} className="alias-chip" data-testid={`alias-chip-${a}`}>
                  @{a}
                </span>
              ))}
            </div>
          </td>
          <td>
            <Badge tone={TONES[v.status] ?? 'neutral'} testId={`version-status-${v.version}`}>
              {v.status === 'deprecated' && <span aria-hidden>⚠</span>}
              {v.status}
            </Badge>
            {v.status === 'deprecated' && <div className="muted small">still runs when named; prefer a newer version</div>}
          </td>
          <td>
            <code>{v.runtime.kind}</code>
          </td>
          <td>{v.batchSize}</td>
          <td>{formatDuration(v.timeoutMs)}</td>
          <td>
            <code className="digest" title={v.digest}>
              {v.digest.replace(/^sha256:/, '').slice(0, 12)}
            </code>
          </td>
          <td>{formatDate(v.publishedAt ?? v.createdAt)}</td>
          {canEdit && <td className="actions">{v.status === 'published' && <DeprecateButton version={v} />}</td>}
        </tr>
      ))}
    </Table>
  );
}
