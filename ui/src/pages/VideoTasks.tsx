import type { ReactNode } from 'react';
import { get } from '../api';
import { Field, Money, Time } from '../components';
import { useAsync, useCursor, useFilters } from '../hooks';
import { PagedTable, type Column } from '../table';
import type { Page, VideoTask } from '../types';

const STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled'];
const SETTLEMENTS = ['reserved', 'charged', 'released', 'held'];

const COLUMNS: Column<VideoTask>[] = [
  { title: 'Created', cell: (t) => <Time iso={t.created_at} /> },
  { title: 'Model', cell: (t) => t.model },
  { title: 'Provider', cell: (t) => t.provider },
  {
    title: 'Status',
    cell: (t) =>
      `${t.status}${t.status === 'in_progress' ? ` (${t.progress}%)` : ''}${t.error ? ` · ${t.error.code}` : ''}`,
  },
  { title: 'Settlement', cell: (t) => t.settlement },
  { title: 'Reserved', cell: (t) => <Money value={t.reserved_usd} /> },
  { title: 'Cost', cell: (t) => <Money value={t.cost_usd} /> },
];

/** Video tasks (`/admin/video-tasks`): state, upstream, billing; a task's detail. */
export function VideoTasks(): ReactNode {
  const [filters, set] = useFilters({ status: '', settlement: '', model: '' });
  const paging = useCursor([filters]);
  const [state] = useAsync(
    () => get<Page<VideoTask>>('/admin/video-tasks', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  return (
    <section aria-label="Video tasks">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status">
          <select value={filters.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Settlement">
          <select value={filters.settlement} onChange={(e) => set({ settlement: e.target.value })}>
            <option value="">any</option>
            {SETTLEMENTS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Model">
          <input type="search" onChange={(e) => set({ model: e.target.value.trim() })} />
        </Field>
      </form>
      <PagedTable
        state={state}
        paging={paging}
        columns={COLUMNS}
        rowKey={(t) => t.id}
        empty="No video tasks match."
        detailTitle={(t) => `Video task ${t.id}`}
      />
    </section>
  );
}
