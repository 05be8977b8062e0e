import { rangeLabel } from '@/lib/format';

interface Props {
  offset: number;
  limit: number;
  count: number;
  total: number;
  onChange: (offset: number) => void;
  testId?: string;
}

export function Pagination({ offset, limit, count, total, onChange, testId = 'pagination' }: Props) {
  return (
    <div className="pagination" data-testid={testId}>
      <span className="muted" data-testid={`${testId}-range`}>
        {rangeLabel(offset, count, total)}
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
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          data-testid={`${testId}-next`}
          disabled={offset + count >= total}
          onClick={() => onChange(offset + limit)}
        >
          Next →
        </button>
      </div>
    </div>
  );
}
