import { rangeLabel } from '@/lib/format';

interface Props {
  offset: number;
  limit: number;
  count: number;
  /** Unknown for lists that do not count their rows; then `hasMore` says whether a next page exists. */
  total?: number;
  hasMore?: boolean;
  onChange: (offset: number) => void;
  testId?: string;
}

export function Pagination({ offset, limit, count, total, hasMore, onChange, testId = 'pagination' }: Props) {
  const more = total !== undefined ? offset + count < total : !!hasMore;
  return (
    <div className="pagination" data-testid={testId}>
      <span className="muted" data-testid={`${testId}-range`}>
        {total !== undefined ? rangeLabel(offset, count, total) : count ? `${offset + 1}–${offset + count}` : 'none'}
      </span>
      <div className="btn-group">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          data-testid={`${testId}-prev`}
          disabled={offset === 0}
          onClick={() => onChange(Math.max(0, offset - limit))}
        >
          ← Prev
        </button>
        <button type="button" className="btn btn-secondary btn-sm" data-testid={`${testId}-next`} disabled={!more} onClick={() => onChange(offset + limit)}>
          Next →
        </button>
      </div>
    </div>
  );
}
