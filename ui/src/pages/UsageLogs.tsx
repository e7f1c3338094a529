import { useState, type ReactNode } from 'react';
import { download, get, withQuery } from '../api';
import {
  activateOnKey,
  Details,
  Dialog,
  Empty,
  ErrorNote,
  Field,
  Loaded,
  Money,
  Pager,
  Time,
} from '../components';
import { count } from '../format';
import { useAction, useAsync, useCursor } from '../hooks';
import type { Session } from '../session';
import type { Page, Team, UsageLog } from '../types';

interface Filters {
  from: string;
  to: string;
  team_id: string;
  key_id: string;
  model: string;
}

const NO_FILTERS: Filters = { from: '', to: '', team_id: '', key_id: '', model: '' };

/** Usage records, newest first, in cursor pages; a record's detail; CSV export of the current filter. */
export function UsageLogs({ session }: { session: Session }): ReactNode {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const paging = useCursor([filters]);
  const [state] = useAsync(
    () => get<Page<UsageLog>>('/admin/usage/logs', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  const [teams] = useAsync(
    async () => (session.isAdmin ? (await get<Page<Team>>('/admin/teams', { limit: 1000 })).data : []),
    [],
  );
  const [detail, setDetail] = useState<UsageLog | null>(null);
  const exporting = useAction();
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const exportCsv = () =>
    void exporting.run(() =>
      download(withQuery('/admin/usage/logs', { ...filters, format: 'csv' }), 'usage.csv'),
    );

  return (
    <section aria-label="Usage logs">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="From (UTC day)">
          <input type="date" value={filters.from} onChange={(e) => set({ from: e.target.value })} />
        </Field>
        <Field label="To (UTC day, exclusive)">
          <input type="date" value={filters.to} onChange={(e) => set({ to: e.target.value })} />
        </Field>
        {session.isAdmin && (
          <Field label="Team">
            <select value={filters.team_id} onChange={(e) => set({ team_id: e.target.value })}>
              <option value="">all teams</option>
              {(teams.status === 'ok' ? teams.data : []).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Key id">
          <input
            type="search"
            value={filters.key_id}
            pattern="[0-9a-fA-F-]{36}"
            onChange={(e) => set({ key_id: e.target.value.trim() })}
          />
        </Field>
        <Field label="Model">
          <input
            type="search"
            value={filters.model}
            onChange={(e) => set({ model: e.target.value.trim() })}
          />
        </Field>
        <button type="button" onClick={() => setFilters(NO_FILTERS)}>
          Clear
        </button>
        <button type="button" onClick={exportCsv} disabled={exporting.busy}>
          Export CSV
        </button>
      </form>
      <ErrorNote message={exporting.error} />
      <Loaded state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No usage records match.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Model</th>
                    <th scope="col">Provider</th>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Status</th>
                    <th scope="col">Tokens in / out</th>
                    <th scope="col">Cost</th>
                    <th scope="col">Latency</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((r) => (
                    <tr
                      key={r.id}
                      className="clickable"
                      tabIndex={0}
                      data-usage={r.request_id}
                      onClick={() => setDetail(r)}
                      onKeyDown={(e) => activateOnKey(e, () => setDetail(r))}
                      aria-label={`Usage record ${r.request_id}`}
                    >
                      <td>
                        <Time iso={r.created_at} />
                      </td>
                      <td>{r.model}</td>
                      <td>{r.provider ?? '—'}</td>
                      <td>{r.endpoint}</td>
                      <td>{r.status_code}</td>
                      <td>
                        {count(r.prompt_tokens)} / {count(r.completion_tokens)}
                      </td>
                      <td data-cost>
                        <Money value={r.cost_usd} />
                      </td>
                      <td>{r.latency_ms} ms</td>
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
        <Dialog title={`Usage record ${detail.request_id}`} onClose={() => setDetail(null)}>
          <Details record={{ ...detail }} />
        </Dialog>
      )}
    </section>
  );
}
