import { formatDate, formatDuration } from '@/lib/format';
import type { ModelVersion } from '@/lib/types';
import { Badge, type BadgeTone } from './badge';

const TONES: Record<string, BadgeTone> = { published: 'green', deprecated: 'amber', draft: 'neutral', validated: 'blue' };

export function VersionsTable({ versions }: { versions: ModelVersion[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="versions-table">
        <thead>
          <tr>
            <th>Version</th>
            <th>Status</th>
            <th>Runtime</th>
            <th>Batch size</th>
            <th>Timeout</th>
            <th>Digest</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-testid={`version-row-${v.version}`}>
              <td>
                <strong>v{v.version}</strong>
              </td>
              <td>
                <Badge tone={TONES[v.status] ?? 'neutral'}>{v.status}</Badge>
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
              <td>{formatDate(v.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
