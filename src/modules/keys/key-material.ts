import { createHash, randomBytes } from 'node:crypto';

export const KEY_PREFIX = 'sk-sb-';
export const KEY_PREFIX_LENGTH = 12;

export interface KeyMaterial {
  /** Plaintext: returned once, never stored. */
  key: string;
  /** Hex SHA-256 of the plaintext: the only stored form. */
  hash: string;
  /** First 12 characters, for display. */
  prefix: string;
}

/** `sk-sb-` + 43 base64url characters (32 random bytes = 256 bits). */
export function generateKey(): KeyMaterial {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashKey(key), prefix: key.slice(0, KEY_PREFIX_LENGTH) };
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The secret that signs video-task callbacks (`x-switchboard-signature`); stored sealed. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
