import type { ComponentProps, ReactNode } from 'react';

/** A header cell: its text, or its content (text, or a control such as a sort button) with a class (`num` right-aligns), a tooltip and a test id. */
export type TableHead = string | { label: ReactNode; className?: string; title?: string; testId?: string; ariaSort?: 'ascending' | 'descending' };

interface Props extends Omit<ComponentProps<'table'>, 'children'> {
  /** One entry a column; '' for a column without a heading (actions). */
  head: readonly TableHead[];
  /** The body rows. */
  children: ReactNode;
  testId?: string;
}

/** A scrollable table with one header row; `className` adds to `table` (table-hover, compact, …). */
export function Table({ head, children, className, testId, ...rest }: Props) {
  return (
    <div className="table-wrap">
      <table className={className ? `table ${className}` : 'table'} data-testid={testId} {...rest}>
        <thead>
          <tr>
            {head.map((h, i) =>
              typeof h === 'string' ? (
                <th key={i}>{h}</th>
              ) : (
                <th key={i} className={h.className} title={h.title} data-testid={h.testId} aria-sort={h.ariaSort}>
                  {h.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The heading of a column of numbers (right-aligned). */
export const numeric = (label: string): TableHead => ({ label, className: 'num' });
