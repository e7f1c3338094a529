import { useState, type FormEvent, type ReactNode } from 'react';
import { api, get } from '../api';
import {
  Dialog,
  Empty,
  ErrorNote,
  Field,
  formValues,
  Loaded,
  Money,
  Pager,
  Secret,
  Time,
} from '../components';
import { fromLocalInput, toLocalInput } from '../format';
import { useAction, useAsync, useCursor } from '../hooks';
import { LimitInputs, limitBody } from '../limits-form';
import type { Session } from '../session';
import type { Key, KeyWithSecrets, Page, Team } from '../types';

interface Filters {
  team_id: string;
  role: string;
  name: string;
  revoked: string;
}

/** Keys: filters, create (secrets shown once), edit, revoke, rotate with a grace period. */
export function Keys({ session }: { session: Session }): ReactNode {
  const [filters, setFilters] = useState<Filters>({ team_id: '', role: '', name: '', revoked: 'false' });
  const paging = useCursor([filters]);
  const [state, reload] = useAsync(
    () => get<Page<Key>>('/admin/keys', { ...filters, cursor: paging.cursor }),
    [filters, paging.cursor],
  );
  const [teams] = useAsync(
    async () => (session.isAdmin ? (await get<Page<Team>>('/admin/teams', { limit: 1000 })).data : []),
    [],
  );
  const teamList = teams.status === 'ok' ? teams.data : [];
  const teamName = (id: string | null) => (id ? (teamList.find((t) => t.id === id)?.name ?? id) : '—');
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
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <section aria-label="Keys">
      {secrets && <OneTimeSecrets secrets={secrets} onDone={() => setSecrets(null)} />}
      <CreateKey
        session={session}
        teams={teamList}
        onCreated={(k) => {
          setSecrets(k);
          reload();
        }}
      />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        {session.isAdmin && (
          <Field label="Team">
            <select value={filters.team_id} onChange={(e) => set({ team_id: e.target.value })}>
              <option value="">all teams</option>
              {teamList.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
        )}
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
      <Loaded state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No keys match.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Team</th>
                    <th scope="col">Role</th>
                    <th scope="col">Spend / budget</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((k) => (
                    <tr key={k.id} data-key={k.name ?? k.id}>
                      <td title={k.id}>{k.name ?? <span className="muted">unnamed</span>}</td>
                      <td>
                        <code>{k.key_prefix}…</code>
                      </td>
                      <td>{teamName(k.team_id)}</td>
                      <td>{k.role}</td>
                      <td>
                        <Money value={k.spend_usd} /> /{' '}
                        {k.max_budget_usd ? <Money value={k.max_budget_usd} /> : 'no budget'}
                      </td>
                      <td>
                        <Time iso={k.last_used_at} fallback="never" />
                      </td>
                      <td>
                        {k.revoked_at ? (
                          <span>
                            revoked <Time iso={k.revoked_at} />
                          </span>
                        ) : (
                          <Time iso={k.expires_at} fallback="never" />
                        )}
                      </td>
                      <td className="actions">
                        {!k.revoked_at && (
                          <>
                            <button type="button" onClick={() => setEditing(k)}>
                              Edit
                            </button>
                            <button type="button" onClick={() => setRotating(k)}>
                              Rotate
                            </button>
                            <button type="button" className="danger" onClick={() => revoke(k)}>
                              Revoke
                            </button>
                          </>
                        )}
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
        <EditKey
          keyRow={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {rotating && (
        <RotateKey
          keyRow={rotating}
          onClose={() => setRotating(null)}
          onRotated={(k) => {
            setRotating(null);
            setSecrets(k);
            reload();
          }}
        />
      )}
    </section>
  );
}

function rolesFor(session: Session): string[] {
  return session.isAdmin ? ['member', 'team_admin', 'admin'] : ['member', 'team_admin'];
}

function OneTimeSecrets({ secrets, onDone }: { secrets: KeyWithSecrets; onDone: () => void }): ReactNode {
  return (
    <div className="notice" role="alert" aria-label="New key">
      <strong>Copy these now: you will not see this again.</strong>
      <Secret label="API key" value={secrets.key} />
      <Secret label="Webhook secret" value={secrets.webhook_secret} />
      <button type="button" onClick={onDone}>
        I have copied them
      </button>
    </div>
  );
}

function CreateKey({
  session,
  teams,
  onCreated,
}: {
  session: Session;
  teams: Team[];
  onCreated: (k: KeyWithSecrets) => void;
}): ReactNode {
  const action = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const v = formValues(form);
    void action.run(async () => {
      const created = await api<KeyWithSecrets>('POST', '/admin/keys', {
        name: v.name || undefined,
        team_id: session.isAdmin ? v.team_id || null : session.me.team_id,
        role: v.role,
        expires_at: fromLocalInput(v.expires_at) ?? null,
        ...limitBody(v),
      });
      form.reset();
      onCreated(created);
    });
  };
  return (
    <form className="form" aria-label="Create key" onSubmit={submit}>
      <Field label="Key name">
        <input name="name" maxLength={200} />
      </Field>
      {session.isAdmin && (
        <Field label="Key team">
          <select name="team_id">
            <option value="">no team</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label="Key role">
        <select name="role" defaultValue="member">
          {rolesFor(session).map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field label="Expires">
        <input name="expires_at" type="datetime-local" />
      </Field>
      <LimitInputs />
      <button type="submit" disabled={action.busy}>
        Create key
      </button>
      <ErrorNote message={action.error} />
    </form>
  );
}

function EditKey({
  keyRow,
  onClose,
  onSaved,
}: {
  keyRow: Key;
  onClose: () => void;
  onSaved: () => void;
}): ReactNode {
  const action = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    void action.run(async () => {
      await api('PATCH', `/admin/keys/${keyRow.id}`, {
        name: v.name || undefined,
        expires_at: fromLocalInput(v.expires_at) ?? null,
        ...limitBody(v),
      });
      onSaved();
    });
  };
  return (
    <Dialog title={`Edit key ${keyRow.name ?? keyRow.key_prefix}`} onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Key name">
          <input name="name" maxLength={200} defaultValue={keyRow.name ?? ''} />
        </Field>
        <Field label="Expires">
          <input name="expires_at" type="datetime-local" defaultValue={toLocalInput(keyRow.expires_at)} />
        </Field>
        <LimitInputs value={keyRow} />
        <button type="submit" disabled={action.busy}>
          Save
        </button>
        <ErrorNote message={action.error} />
      </form>
    </Dialog>
  );
}

function RotateKey({
  keyRow,
  onClose,
  onRotated,
}: {
  keyRow: Key;
  onClose: () => void;
  onRotated: (k: KeyWithSecrets) => void;
}): ReactNode {
  const action = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = formValues(e.currentTarget);
    void action.run(async () => {
      const rotated = await api<KeyWithSecrets>('POST', `/admin/keys/${keyRow.id}/rotate`, {
        grace_period_seconds: Number(v.grace || 0),
      });
      onRotated(rotated);
    });
  };
  return (
    <Dialog title={`Rotate key ${keyRow.name ?? keyRow.key_prefix}`} onClose={onClose}>
      <form onSubmit={submit}>
        <Field label="Grace period (seconds the old key keeps working)">
          <input name="grace" type="number" min={0} max={2592000} defaultValue={3600} />
        </Field>
        <button type="submit" disabled={action.busy}>
          Rotate
        </button>
        <ErrorNote message={action.error} />
      </form>
    </Dialog>
  );
}
