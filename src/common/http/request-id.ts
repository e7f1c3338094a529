import { randomBytes } from 'node:crypto';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when valid (contract §9.20), otherwise a new one. Never echoes an invalid value. */
export function resolveRequestId(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v !== undefined && VALID.test(v) ? v : generateRequestId();
}

export function generateRequestId(): string {
  return `req_${randomBytes(12).toString('base64url')}`;
}
