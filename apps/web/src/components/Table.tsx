import type { ReactNode } from 'react';

/** A column heading: its text, or its text with a class (`num` right-aligns a count). */
export type Column = ReactNode | { label: ReactNode; className: string };

interface TableProps {
  /** Said to screen readers only. */
  caption: string;
  /** The headings; a null one (a column shown only sometimes) is left out. */
  columns: (Column | null)[];
  /** Classes besides `table`. */
  className?: string;
  testId: string;
  /** When set, the one row of an empty table, across every column. */
  empty?: ReactNode;
  /** The rows. */
  children: ReactNode;
  /** The rows of a footer (a sum). */
  foot?: ReactNode;
}

function isClassed(column: Column): column is { label: ReactNode; className: string } {
  return typeof column === 'object' && column !== null && 'className' in column;
}

/** A scrollable table with a hidden caption and a row of column headings. */
export function Table({ caption, columns, className, testId, empty, children, foot }: TableProps) {
  const shown = columns.filter((c) => c !== null);
  return (
    <div className="table-wrap">
      <table className={className ? `table ${className}` : 'table'} data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {shown.map((column, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the headings are fixed; their place is their identity.
              <th key={i} scope="col" className={isClassed(column) ? column.className : undefined}>
                {isClassed(column) ? column.label : column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {children}
          {empty ? (
            <tr>
              <td colSpan={shown.length} className="muted">
                {empty}
              </td>
            </tr>
          ) : null}
        </tbody>
        {foot ? <tfoot>{foot}</tfoot> : null}
      </table>
    </div>
  );
}
