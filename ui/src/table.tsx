import { useState, type ReactNode } from 'react';
import { activateOnKey, Details, Dialog, Empty, Loaded, Pager } from './components';
import type { Async, Cursor } from './hooks';
import type { Page } from './types';

export interface Column<T> {
  title: string;
  cell: (row: T) => ReactNode;
}

/**
 * A cursor page of rows as a table, with the loading, error and empty states and the pager. With
 * `detailTitle`, rows are focusable and open (click, Enter or Space) a dialog with every field of the row.
 */
export function PagedTable<T>({
  state,
  paging,
  columns,
  rowKey,
  empty,
  detailTitle,
  rowData,
}: {
  state: Async<Page<T>>;
  paging: Cursor;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty: string;
  detailTitle?: (row: T) => string;
  rowData?: (row: T) => Record<`data-${string}`, string>;
}): ReactNode {
  const [detail, setDetail] = useState<T | null>(null);
  return (
    <>
      <Loaded state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>{empty}</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th scope="col" key={c.title}>
                        {c.title}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((row) => (
                    <tr
                      key={rowKey(row)}
                      {...rowData?.(row)}
                      {...(detailTitle && {
                        className: 'clickable',
                        tabIndex: 0,
                        'aria-label': detailTitle(row),
                        onClick: () => setDetail(row),
                        onKeyDown: (e) => activateOnKey(e, () => setDetail(row)),
                      })}
                    >
                      {columns.map((c) => (
                        <td key={c.title}>{c.cell(row)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager
                hasPrevious={paging.hasPrevious}
                nextCursor={page.next_cursor}
                onPrevious={paging.previous}
                onNext={paging.next}
              />
            </>
          )
        }
      </Loaded>
      {detail && detailTitle && (
        <Dialog title={detailTitle(detail)} onClose={() => setDetail(null)}>
          <Details record={{ ...detail }} />
        </Dialog>
      )}
    </>
  );
}
