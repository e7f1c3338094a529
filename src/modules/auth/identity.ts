export type KeyRole = 'admin' | 'team_admin' | 'member';

/** Who is calling. The master key is an admin with no team, budget or limits. */
export interface Identity {
  kind: 'master' | 'key';
  keyId?: string;
  teamId?: string;
  role: KeyRole;
  /** Effective allow-list (key ∩ team); empty means every model. */
  allowedModels: string[];
}

export const MASTER_IDENTITY: Identity = { kind: 'master', role: 'admin', allowedModels: [] };
