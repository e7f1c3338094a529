import type { ReactNode } from 'react';
import { download, get, withQuery } from '../api';
import { ErrorNote, Field, Money, Time } from '../components';
import { count } from '../format';
import { useAction, useAsync, useCursor, useFilters } from '../hooks';
import type { Session } from '../session';
import { PagedTable, type Column } from '../table';
import { KeyFilter, useKeys } from '../keys';
import { PROVIDERS, STATUS_CLASSES, STATUS_CODES } from '../providers';
import { TeamFilter, useTeams } from '../teams';
import type { Page, UsageLog } from '../types';

const NO_FILTERS = { from: '', to: '', team_id: '', key_id: '', model: '', provider: '', status: '' };

const COLUMNS: Column<UsageLog>[] = [
  { title: 'Time', cell: (r) => <Time iso={r.created_at} /> },
  { title: 'Model', cell: (r) => r.model },
  { title: 'Provider', cell: (r) => r.provider ?? '—' },
  { title: 'Endpoint', cell: (r) => r.endpoint },
  { title: 'Status', cell: (r) => r.status_code },
  { title: 'Tokens in / out', cell: (r) => `${count(r.prompt_tokens)} / ${count(r.completion_tokens)}` },
  {
    title: 'Cost',
    cell: (r) => (
      <span data-cost>
        <Money value={r.cost_usd} />
      </span>
    ),
  },
  { title: 'Latency', cell: (r) => `${r.latency_ms} ms` },
];

/** Usage records, newest first, in cursor pages; a record's detail; CSV export of the current filter. */
export function UsageLogs({ session }: { session: Session }): ReactNode {
  const [filters, set, reset] = useFilters(NO_FILTERS);
  const paging = useCursor([filters]);
  const [state] = useAsync(
    () => get<Page<UsageLog>>('/admin/usage/logs', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  const teams = useTeams(session);
  const keys = useKeys();
  const exporting = useAction();
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
        <TeamFilter
          session={session}
          teams={teams}
          value={filters.team_id}
          onChange={(team_id) => set({ team_id })}
        />
        <KeyFilter keys={keys} value={filters.key_id} onChange={(key_id) => set({ key_id })} />
        <Field label="Model">
          <input
            type="search"
            value={filters.model}
            onChange={(e) => set({ model: e.target.value.trim() })}
          />
        </Field>
        <Field label="Provider">
          <select value={filters.provider} onChange={(e) => set({ provider: e.target.value })}>
            <option value="">any provider</option>
            {PROVIDERS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </Field>
        <Field label="Status">
          <select value={filters.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">any status</option>
            {STATUS_CLASSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
            <optgroup label="Code">
              {STATUS_CODES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </optgroup>
          </select>
        </Field>
        <button type="button" onClick={() => reset(NO_FILTERS)}>
          Clear
        </button>
        <button type="button" onClick={exportCsv} disabled={exporting.busy}>
          Export CSV
        </button>
      </form>
      <ErrorNote message={exporting.error} />
      <PagedTable
        state={state}
        paging={paging}
        columns={COLUMNS}
        rowKey={(r) => r.id}
        empty="No usage records match."
        detailTitle={(r) => `Usage record ${r.request_id}`}
        rowData={(r) => ({ 'data-usage': r.request_id })}
      />
    </section>
  );
}
