import type { ReactNode } from 'react';
import { api } from './api';
import { Field, Secret } from './components';
import { ActionForm, FormDialog } from './forms';
import { fromLocalInput, toLocalInput } from './format';
import { LimitInputs, limitBody } from './limits-form';
import { TeamSelect } from './teams';
import type { Session } from './session';
import type { Key, KeyWithSecrets, Team } from './types';

export function rolesFor(session: Session): string[] {
  return session.isAdmin ? ['member', 'team_admin', 'admin'] : ['member', 'team_admin'];
}

const keyLabel = (k: Key) => k.name ?? k.key_prefix;

/** The plaintext key and webhook secret of a new or rotated key: shown this once. */
export function OneTimeSecrets({
  secrets,
  onDone,
}: {
  secrets: KeyWithSecrets;
  onDone: () => void;
}): ReactNode {
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

/** A team_admin's keys go to its own team; an admin picks one (or none). */
export function CreateKey({
  session,
  teams,
  onCreated,
}: {
  session: Session;
  teams: Team[];
  onCreated: (k: KeyWithSecrets) => void;
}): ReactNode {
  return (
    <ActionForm
      label="Create key"
      submitLabel="Create key"
      onSubmit={async (v) =>
        onCreated(
          await api<KeyWithSecrets>('POST', '/admin/keys', {
            name: v.name || undefined,
            team_id: session.isAdmin ? v.team_id || null : session.me.team_id,
            role: v.role,
            expires_at: fromLocalInput(v.expires_at ?? '') ?? null,
            ...limitBody(v),
          }),
        )
      }
    >
      <Field label="Key name">
        <input name="name" maxLength={200} />
      </Field>
      {session.isAdmin && (
        <Field label="Key team">
          <TeamSelect teams={teams} emptyLabel="no team" name="team_id" />
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
    </ActionForm>
  );
}

export function EditKey({
  keyRow,
  onClose,
  onSaved,
}: {
  keyRow: Key;
  onClose: () => void;
  onSaved: () => void;
}): ReactNode {
  return (
    <FormDialog
      title={`Edit key ${keyLabel(keyRow)}`}
      onClose={onClose}
      onSubmit={async (v) => {
        await api('PATCH', `/admin/keys/${keyRow.id}`, {
          name: v.name || undefined,
          expires_at: fromLocalInput(v.expires_at ?? '') ?? null,
          ...limitBody(v),
        });
        onSaved();
      }}
    >
      <Field label="Key name">
        <input name="name" maxLength={200} defaultValue={keyRow.name ?? ''} />
      </Field>
      <Field label="Expires">
        <input name="expires_at" type="datetime-local" defaultValue={toLocalInput(keyRow.expires_at)} />
      </Field>
      <LimitInputs value={keyRow} />
    </FormDialog>
  );
}

export function RotateKey({
  keyRow,
  onClose,
  onRotated,
}: {
  keyRow: Key;
  onClose: () => void;
  onRotated: (k: KeyWithSecrets) => void;
}): ReactNode {
  return (
    <FormDialog
      title={`Rotate key ${keyLabel(keyRow)}`}
      submitLabel="Rotate"
      onClose={onClose}
      onSubmit={async (v) =>
        onRotated(
          await api<KeyWithSecrets>('POST', `/admin/keys/${keyRow.id}/rotate`, {
            grace_period_seconds: Number(v.grace || 0),
          }),
        )
      }
    >
      <Field label="Grace period (seconds the old key keeps working)">
        <input name="grace" type="number" min={0} max={2592000} defaultValue={3600} />
      </Field>
    </FormDialog>
  );
}
