import type { ReactNode } from 'react';
import { get } from '../api';
import { Field, Time } from '../components';
import { useAsync, useCursor, useFilters } from '../hooks';
import { PagedTable, type Column } from '../table';
import type { AuditEntry, Page } from '../types';

const COLUMNS: Column<AuditEntry>[] = [
  { title: 'Time', cell: (a) => <Time iso={a.created_at} /> },
  { title: 'Actor', cell: (a) => (a.actor.type === 'key' ? `key ${a.actor.key_id}` : a.actor.type) },
  { title: 'Action', cell: (a) => a.action },
  { title: 'Target', cell: (a) => `${a.target_type} ${a.target_id ?? ''}` },
];

/** The audit log: who changed what, newest first; an entry's before and after. */
export function AuditLog(): ReactNode {
  const [filters, set] = useFilters({ action: '', target_type: '', target_id: '' });
  const paging = useCursor([filters]);
  const [state] = useAsync(
    () => get<Page<AuditEntry>>('/admin/audit-logs', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  return (
    <section aria-label="Audit log">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Action">
          <input
            type="search"
            placeholder="key.revoke"
            onChange={(e) => set({ action: e.target.value.trim() })}
          />
        </Field>
        <Field label="Target type">
          <input
            type="search"
            placeholder="key, team…"
            onChange={(e) => set({ target_type: e.target.value.trim() })}
          />
        </Field>
        <Field label="Target id">
          <input type="search" onChange={(e) => set({ target_id: e.target.value.trim() })} />
        </Field>
      </form>
      <PagedTable
        state={state}
        paging={paging}
        columns={COLUMNS}
        rowKey={(a) => a.id}
        empty="No audit entries match."
        detailTitle={(a) => `Audit entry ${a.id}`}
      />
    </section>
  );
}
