import { api } from './api';
import type { Me } from './types';

/** Who is signed in and what the console shows them. */
export interface Session {
  me: Me;
  /** Master key or `admin` key: every team, the catalog, the audit log. */
  isAdmin: boolean;
}

export function sessionOf(me: Me): Session {
  return { me, isAdmin: me.role === 'admin' };
}

/** Who a credential belongs to; refuses keys that cannot use the admin API. */
export async function signInWith(credential: string): Promise<Session> {
  const me = await api<Me>('GET', '/v1/key', undefined, credential);
  if (me.role === 'member')
    throw new Error('This is a member key: the console needs the master key or an admin or team_admin key.');
  return sessionOf(me);
}
