import { useState, type ReactNode } from 'react';
import { api, get } from '../api';
import { Field, Money, Time } from '../components';
import { FormDialog } from '../forms';
import { MONEY_PATTERN } from '../format';
import { useAsync, useCursor, useFilters } from '../hooks';
import type { Session } from '../session';
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

/**
 * Video tasks (`/admin/video-tasks`): state, upstream, billing; a task's detail. An admin resolves a
 * task whose reservation is held (a timeout): charge it or release it.
 */
export function VideoTasks({ session }: { session: Session }): ReactNode {
  const [filters, set] = useFilters({ status: '', settlement: '', model: '' });
  const paging = useCursor([filters]);
  const [resolving, setResolving] = useState<VideoTask | null>(null);
  const columns: Column<VideoTask>[] = !session.isAdmin
    ? COLUMNS
    : [
        ...COLUMNS,
        {
          title: 'Actions',
          cell: (t) =>
            t.settlement === 'held' && (
              <button
                type="button"
                onClick={(e) => {
                  e.stopPropagation();
                  setResolving(t);
                }}
                onKeyDown={(e) => e.stopPropagation()}
              >
                Resolve
              </button>
            ),
        },
      ];
  const [state, reload] = useAsync(
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
        columns={columns}
        rowKey={(t) => t.id}
        empty="No video tasks match."
        detailTitle={(t) => `Video task ${t.id}`}
      />
      {resolving && (
        <FormDialog
          title={`Resolve video task ${resolving.id}`}
          submitLabel="Resolve"
          onClose={() => setResolving(null)}
          onSubmit={async (v) => {
            await api('POST', `/admin/video-tasks/${resolving.id}/resolve`, {
              action: v.action,
              cost_usd: v.action === 'charge' && v.cost_usd ? v.cost_usd : undefined,
            });
            setResolving(null);
            reload();
          }}
        >
          <Field label="Decision">
            <select name="action" defaultValue="charge">
              <option value="charge">charge</option>
              <option value="release">release the reservation</option>
            </select>
          </Field>
          <Field label="Charge (USD; empty: the reserved amount)">
            <input
              name="cost_usd"
              inputMode="decimal"
              pattern={MONEY_PATTERN}
              placeholder={resolving.reserved_usd}
            />
          </Field>
        </FormDialog>
      )}
    </section>
  );
}
