/**
 * Prisma's P2028: an interactive transaction could not get a connection within its `maxWait`, or ran
 * past its `timeout`. The pool is saturated (a burst of admin writes): a 503 the caller can retry,
 * not an internal error.
 */
export function isDatabaseBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2028';
}
