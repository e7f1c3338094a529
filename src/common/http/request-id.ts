import { randomBytes } from 'node:crypto';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when valid (contract §9.20), otherwise a new one. Never echoes an invalid value. */
export function resolveRequestId(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v !== undefined && VALID.test(v) ? v : generateRequestId();
}

/** A random per-process prefix plus a counter: unique across replicas, no entropy read per request. */
const PROCESS_PREFIX = randomBytes(9).toString('base64url');
let counter = 0;

export function generateRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `req_${PROCESS_PREFIX}${counter.toString(36)}`;
}
