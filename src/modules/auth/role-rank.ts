import { KEY_ROLES, type KeyRole } from './identity';

/** The order of key roles: `member` < `team_admin` < `admin` (the master key is an `admin`). */
const RANK: Record<KeyRole, number> = { member: 0, team_admin: 1, admin: 2 };

/**
 * The rule of every key action (contract §2): a caller may create, read, change, rotate or revoke
 * only keys whose role is at most its own, and may grant only such roles.
 */
export function roleAtMost(role: KeyRole, ceiling: KeyRole): boolean {
  return RANK[role] <= RANK[ceiling];
}

/** The roles a caller of role `ceiling` may see and grant. */
export function rolesAtMost(ceiling: KeyRole): KeyRole[] {
  return KEY_ROLES.filter((r) => roleAtMost(r, ceiling));
}
