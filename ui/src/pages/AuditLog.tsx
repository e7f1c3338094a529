import { useState, type ReactNode } from 'react';
import { get } from '../api';
import { activateOnKey, Details, Dialog, Empty, Field, Loaded, Pager, Time } from '../components';
import { useAsync, useCursor } from '../hooks';
import type { AuditEntry, Page } from '../types';

/** The audit log: who changed what, newest first; an entry's before and after. */
export function AuditLog(): ReactNode {
  const [filters, setFilters] = useState({ action: '', target_type: '', target_id: '' });
  const paging = useCursor([filters]);
  const [state] = useAsync(
    () => get<Page<AuditEntry>>('/admin/audit-logs', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  const [detail, setDetail] = useState<AuditEntry | null>(null);
  const set = (patch: Partial<typeof filters>) => setFilters((f) => ({ ...f, ...patch }));
  return (
    <section aria-label="Audit log">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Action">
          <input
            type="search"
            value={filters.action}
            placeholder="key.revoke"
            onChange={(e) => set({ action: e.target.value.trim() })}
          />
        </Field>
        <Field label="Target type">
          <input
            type="search"
            value={filters.target_type}
            placeholder="key, team…"
            onChange={(e) => set({ target_type: e.target.value.trim() })}
          />
        </Field>
        <Field label="Target id">
          <input
            type="search"
            value={filters.target_id}
            onChange={(e) => set({ target_id: e.target.value.trim() })}
          />
        </Field>
      </form>
      <Loaded state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No audit entries match.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((a) => (
                    <tr
                      key={a.id}
                      className="clickable"
                      tabIndex={0}
                      aria-label={`Audit entry ${a.id}`}
                      onClick={() => setDetail(a)}
                      onKeyDown={(e) => activateOnKey(e, () => setDetail(a))}
                    >
                      <td>
                        <Time iso={a.created_at} />
                      </td>
                      <td>{a.actor.type === 'key' ? `key ${a.actor.key_id}` : a.actor.type}</td>
                      <td>{a.action}</td>
                      <td>
                        {a.target_type} {a.target_id ?? ''}
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
        <Dialog title={`Audit entry ${detail.id}`} onClose={() => setDetail(null)}>
          <Details record={{ ...detail }} />
        </Dialog>
      )}
    </section>
  );
}
