import { useState, type FormEvent, type ReactNode } from 'react';
import { api, get } from '../api';
import { Dialog, Empty, ErrorNote, Field, formValues, Loaded, Money, Pager, Time } from '../components';
import { useAction, useAsync, useCursor } from '../hooks';
import { LimitInputs, limitBody } from '../limits-form';
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
      <CreateTeam onCreated={reload} />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label="Exact name">
          <input type="search" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </form>
      <ErrorNote message={action.error} />
      <Loaded state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No teams yet.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Spend / budget</th>
                    <th scope="col">Period resets</th>
                    <th scope="col">Limits</th>
                    <th scope="col">Created</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((t) => (
                    <tr key={t.id} data-team={t.name}>
                      <td title={t.id}>{t.name}</td>
                      <td>
                        <Money value={t.spend_usd} /> /{' '}
                        {t.max_budget_usd ? <Money value={t.max_budget_usd} /> : 'no budget'}
                        {t.budget_duration && <span className="muted"> per {t.budget_duration}</span>}
                      </td>
                      <td>
                        <Time iso={t.budget_reset_at} fallback="never" />
                      </td>
                      <td>
                        {t.rpm_limit ?? '∞'} rpm · {t.tpm_limit ?? '∞'} tpm
                      </td>
                      <td>
                        <Time iso={t.created_at} />
                      </td>
                      <td className="actions">
                        <button type="button" onClick={() => setEditing(t)}>
                          Edit
                        </button>
                        <button type="button" className="danger" onClick={() => remove(t)}>
                          Delete
                        </button>
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
      {editing && (
        <EditTeam
          team={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </section>
  );
}

function CreateTeam({ onCreated }: { onCreated: () => void }): ReactNode {
  const action = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    void action.run(async () => {
      await api('POST', '/admin/teams', { name: v.name, ...limitBody(v) });
      form.reset();
      onCreated();
    });
  };
  return (
    <form className="form" aria-label="Create team" onSubmit={submit}>
      <Field label="Team name">
        <input name="name" required maxLength={200} />
      </Field>
      <LimitInputs />
      <button type="submit" disabled={action.busy}>
        Create team
      </button>
      <ErrorNote message={action.error} />
    </form>
  );
}

function EditTeam({
  team,
  onClose,
  onSaved,
}: {
  team: Team;
  onClose: () => void;
  onSaved: () => void;
}): ReactNode {
  const action = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    void action.run(async () => {
      await api('PATCH', `/admin/teams/${team.id}`, { name: v.name, ...limitBody(v) });
      onSaved();
    });
  };
  return (
    <Dialog title={`Edit team ${team.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Team name">
          <input name="name" required maxLength={200} defaultValue={team.name} />
        </Field>
        <LimitInputs value={team} />
        <button type="submit" disabled={action.busy}>
          Save
        </button>
        <ErrorNote message={action.error} />
      </form>
    </Dialog>
  );
}
