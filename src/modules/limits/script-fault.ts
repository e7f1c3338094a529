import { ReplyError } from 'ioredis';

/** Replies of a Redis that is there but cannot answer now: an outage, handled by the failure mode. */
const OUTAGE_REPLY = /^(LOADING|BUSY|READONLY|MASTERDOWN|OOM|TRYAGAIN|NOREPLICAS|CLUSTERDOWN)\b/;

/**
 * A limits script that Redis answered with an error: a script that cannot run on this server (a
 * cluster node's "non local key", MOVED, CROSSSLOT, a Lua error). Not an outage, so
 * SWITCHBOARD_LIMITS_ON_REDIS_FAILURE=open does not serve through it: requests are refused (503)
 * and readiness turns not-ready while it lasts.
 */
export function isScriptFault(err: unknown): boolean {
  return err instanceof ReplyError && !OUTAGE_REPLY.test((err as Error).message);
}

/** How long after the last script fault the limits count as not running (readiness). */
export const SCRIPT_FAULT_WINDOW_MS = 10_000;
