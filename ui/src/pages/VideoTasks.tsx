import { useState, type ReactNode } from 'react';
import { get } from '../api';
import { activateOnKey, Details, Dialog, Empty, Field, Loaded, Money, Pager, Time } from '../components';
import { useAsync, useCursor } from '../hooks';
import type { Page, VideoTask } from '../types';

const STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled'];
const SETTLEMENTS = ['reserved', 'charged', 'released', 'held'];

/** Video tasks (`/admin/video-tasks`): state, upstream, billing; a task's detail. */
export function VideoTasks(): ReactNode {
  const [filters, setFilters] = useState({ status: '', settlement: '', model: '' });
  const paging = useCursor([filters]);
  const [state] = useAsync(
    () => get<Page<VideoTask>>('/admin/video-tasks', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  const [detail, setDetail] = useState<VideoTask | null>(null);
  const set = (patch: Partial<typeof filters>) => setFilters((f) => ({ ...f, ...patch }));
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
          <input
            type="search"
            value={filters.model}
            onChange={(e) => set({ model: e.target.value.trim() })}
          />
        </Field>
      </form>
      <Loaded state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No video tasks match.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Created</th>
                    <th scope="col">Model</th>
                    <th scope="col">Provider</th>
                    <th scope="col">Status</th>
                    <th scope="col">Settlement</th>
                    <th scope="col">Reserved</th>
                    <th scope="col">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((t) => (
                    <tr
                      key={t.id}
                      className="clickable"
                      tabIndex={0}
                      aria-label={`Video task ${t.id}`}
                      onClick={() => setDetail(t)}
                      onKeyDown={(e) => activateOnKey(e, () => setDetail(t))}
                    >
                      <td>
                        <Time iso={t.created_at} />
                      </td>
                      <td>{t.model}</td>
                      <td>{t.provider}</td>
                      <td>
                        {t.status}
                        {t.status === 'in_progress' && ` (${t.progress}%)`}
                        {t.error && <span className="muted"> · {t.error.code}</span>}
                      </td>
                      <td>{t.settlement}</td>
                      <td>
                        <Money value={t.reserved_usd} />
                      </td>
                      <td>
                        <Money value={t.cost_usd} />
                      </td>
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
      {detail && (
        <Dialog title={`Video task ${detail.id}`} onClose={() => setDetail(null)}>
          <Details record={{ ...detail }} />
        </Dialog>
      )}
    </section>
  );
}
