import { useState, type ReactNode } from 'react';
import { api, get } from '../api';
import { ErrorNote, Field, Money, Time } from '../components';
import { useAction, useAsync, useCursor, useFilters } from '../hooks';
import { CreateKey, EditKey, OneTimeSecrets, RotateKey, rolesFor } from '../key-forms';
import type { Session } from '../session';
import { PagedTable } from '../table';
import { TeamFilter, useTeams } from '../teams';
import type { Key, KeyWithSecrets, Page } from '../types';

/** Keys: filters, create (secrets shown once), edit, revoke, rotate with a grace period. */
export function Keys({ session }: { session: Session }): ReactNode {
  const [filters, set] = useFilters({ team_id: '', role: '', name: '', revoked: 'false' });
  const paging = useCursor([filters]);
  const [state, reload] = useAsync(
    () => get<Page<Key>>('/admin/keys', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  const teams = useTeams(session);
  const teamName = (id: string | null) => (id ? (teams.find((t) => t.id === id)?.name ?? id) : '—');
  const [secrets, setSecrets] = useState<KeyWithSecrets | null>(null);
  const [editing, setEditing] = useState<Key | null>(null);
  const [rotating, setRotating] = useState<Key | null>(null);
  const action = useAction();
  const revoke = (k: Key) => {
    if (!window.confirm(`Revoke key ${k.name ?? k.key_prefix}? Calls with it are refused at once.`)) return;
    void action.run(async () => {
      await api('POST', `/admin/keys/${k.id}/revoke`);
      reload();
    });
  };
  const showSecrets = (k: KeyWithSecrets) => {
    setEditing(null);
    setRotating(null);
    setSecrets(k);
    reload();
  };

  return (
    <section aria-label="Keys">
      {secrets && <OneTimeSecrets secrets={secrets} onDone={() => setSecrets(null)} />}
      <CreateKey session={session} teams={teams} onCreated={showSecrets} />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <TeamFilter
          session={session}
          teams={teams}
          value={filters.team_id}
          onChange={(team_id) => set({ team_id })}
        />
        <Field label="Role">
          <select value={filters.role} onChange={(e) => set({ role: e.target.value })}>
            <option value="">any role</option>
            {rolesFor(session).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Field label="Name">
          <input type="search" value={filters.name} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field label="State">
          <select value={filters.revoked} onChange={(e) => set({ revoked: e.target.value })}>
            <option value="false">active</option>
            <option value="true">revoked</option>
            <option value="">all</option>
          </select>
        </Field>
      </form>
      <ErrorNote message={action.error} />
      <PagedTable
        state={state}
        paging={paging}
        rowKey={(k) => k.id}
        rowData={(k) => ({ 'data-key': k.name ?? k.id })}
        empty="No keys match."
        columns={[
          { title: 'Name', cell: (k) => <span title={k.id}>{k.name ?? 'unnamed'}</span> },
          { title: 'Prefix', cell: (k) => <code>{k.key_prefix}…</code> },
          { title: 'Team', cell: (k) => teamName(k.team_id) },
          { title: 'Role', cell: (k) => k.role },
          {
            title: 'Spend / budget',
            cell: (k) => (
              <>
                <Money value={k.spend_usd} /> /{' '}
                {k.max_budget_usd ? <Money value={k.max_budget_usd} /> : 'no budget'}
              </>
            ),
          },
          { title: 'Last used', cell: (k) => <Time iso={k.last_used_at} fallback="never" /> },
          {
            title: 'Expires',
            cell: (k) =>
              k.revoked_at ? (
                <>
                  revoked <Time iso={k.revoked_at} />
                </>
              ) : (
                <Time iso={k.expires_at} fallback="never" />
              ),
          },
          {
            title: 'Actions',
            cell: (k) =>
              !k.revoked_at && (
                <span className="actions">
                  <button type="button" onClick={() => setEditing(k)}>
                    Edit
                  </button>
                  <button type="button" onClick={() => setRotating(k)}>
                    Rotate
                  </button>
                  <button type="button" className="danger" onClick={() => revoke(k)}>
                    Revoke
                  </button>
                </span>
              ),
          },
        ]}
      />
      {editing && (
        <EditKey
          keyRow={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {rotating && <RotateKey keyRow={rotating} onClose={() => setRotating(null)} onRotated={showSecrets} />}
    </section>
  );
}
