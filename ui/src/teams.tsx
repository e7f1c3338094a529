import type { ReactNode } from 'react';
import { Field } from './components';
import { get } from './api';
import { useAsync } from './hooks';
import type { Session } from './session';
import type { Page, Team } from './types';

/** Every team (for pickers and names); empty for a team_admin, who cannot list teams. */
export function useTeams(session: Session): Team[] {
  const [state] = useAsync(
    async () => (session.isAdmin ? (await get<Page<Team>>('/admin/teams', { limit: 1000 })).data : []),
    [session.isAdmin],
  );
  return state.status === 'ok' ? state.data : [];
}

/** A team picker: controlled (filters, with `onChange`) or a named form field (`name`). */
export function TeamSelect({
  teams,
  emptyLabel,
  value,
  onChange,
  name,
}: {
  teams: Team[];
  emptyLabel: string;
  value?: string;
  onChange?: (teamId: string) => void;
  name?: string;
}): ReactNode {
  return (
    <select name={name} value={value} onChange={onChange && ((e) => onChange(e.target.value))}>
      <option value="">{emptyLabel}</option>
      {teams.map((t) => (
        <option key={t.id} value={t.id}>
          {t.name}
        </option>
      ))}
    </select>
  );
}

/** The "Team" filter of a list: only for an admin (a team_admin's lists are its team's already). */
export function TeamFilter({
  session,
  teams,
  value,
  onChange,
}: {
  session: Session;
  teams: Team[];
  value: string;
  onChange: (teamId: string) => void;
}): ReactNode {
  if (!session.isAdmin) return null;
  return (
    <Field label="Team">
      <TeamSelect teams={teams} emptyLabel="all teams" value={value} onChange={onChange} />
    </Field>
  );
}
