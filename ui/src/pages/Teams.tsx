import { useState, type ReactNode } from 'react';
import { api, get } from '../api';
import { ErrorNote, Field, Money, Time } from '../components';
import { ActionForm, FormDialog } from '../forms';
import { useAction, useAsync, useCursor } from '../hooks';
import { LimitInputs, limitBody } from '../limits-form';
import { PagedTable } from '../table';
import type { Page, Team } from '../types';

/** Teams: list, create, edit budget/period/limits, soft delete; spend in the current period. */
export function Teams(): ReactNode {
  const [name, setName] = useState('');
  const paging = useCursor([name]);
  const [state, reload] = useAsync(
    () => get<Page<Team>>('/admin/teams', { name, cursor: paging.cursor }),
    [name, paging.cursor],
  );
  const [editing, setEditing] = useState<Team | null>(null);
  const action = useAction();
  const remove = (t: Team) => {
    if (!window.confirm(`Delete team "${t.name}"? Its keys stop working.`)) return;
    void action.run(async () => {
      await api('DELETE', `/admin/teams/${t.id}`);
      reload();
    });
  };

  return (
    <section aria-label="Teams">
      <ActionForm
        label="Create team"
        submitLabel="Create team"
        onSubmit={async (v) => {
          await api('POST', '/admin/teams', { name: v.name, ...limitBody(v) });
          reload();
        }}
      >
        <Field label="Team name">
          <input name="name" required maxLength={200} />
        </Field>
        <LimitInputs />
      </ActionForm>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Exact name">
          <input type="search" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </form>
      <ErrorNote message={action.error} />
      <PagedTable
        state={state}
        paging={paging}
        rowKey={(t) => t.id}
        rowData={(t) => ({ 'data-team': t.name })}
        empty="No teams yet."
        columns={[
          { title: 'Name', cell: (t) => <span title={t.id}>{t.name}</span> },
          {
            title: 'Spend / budget',
            cell: (t) => (
              <>
                <Money value={t.spend_usd} /> /{' '}
                {t.max_budget_usd ? <Money value={t.max_budget_usd} /> : 'no budget'}
                {t.budget_duration && <span className="muted"> per {t.budget_duration}</span>}
              </>
            ),
          },
          { title: 'Period resets', cell: (t) => <Time iso={t.budget_reset_at} fallback="never" /> },
          { title: 'Limits', cell: (t) => `${t.rpm_limit ?? '∞'} rpm · ${t.tpm_limit ?? '∞'} tpm` },
          { title: 'Created', cell: (t) => <Time iso={t.created_at} /> },
          {
            title: 'Actions',
            cell: (t) => (
              <span className="actions">
                <button type="button" onClick={() => setEditing(t)}>
                  Edit
                </button>
                <button type="button" className="danger" onClick={() => remove(t)}>
                  Delete
                </button>
              </span>
            ),
          },
        ]}
      />
      {editing && (
        <FormDialog
          title={`Edit team ${editing.name}`}
          onClose={() => setEditing(null)}
          onSubmit={async (v) => {
            await api('PATCH', `/admin/teams/${editing.id}`, { name: v.name, ...limitBody(v) });
            setEditing(null);
            reload();
          }}
        >
          <Field label="Team name">
            <input name="name" required maxLength={200} defaultValue={editing.name} />
          </Field>
          <LimitInputs value={editing} />
        </FormDialog>
      )}
    </section>
  );
}
