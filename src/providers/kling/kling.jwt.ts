import { createHmac } from 'node:crypto';

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * Kling's per-request bearer token: an HS256 JWT `{iss: accessKey, exp: now + 1800, nbf: now - 5}`
 * (seconds) signed with the secret key. The deployment's `api_key` holds `access_key:secret_key`
 * (new-api's `access_key|secret_key` is read too).
 */
export function klingJwt(apiKey: string, nowMs: number): string {
  const { accessKey, secretKey } = klingKeyPair(apiKey);
  const now = Math.floor(nowMs / 1000);
  const payload = base64url(JSON.stringify({ iss: accessKey, exp: now + 1800, nbf: now - 5 }));
  const signature = createHmac('sha256', secretKey).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

export function klingKeyPair(apiKey: string): { accessKey: string; secretKey: string } {
  const at = apiKey.search(/[:|]/);
  if (at <= 0 || at === apiKey.length - 1)
    throw new Error("a Kling deployment's api_key must be 'access_key:secret_key'");
  return { accessKey: apiKey.slice(0, at), secretKey: apiKey.slice(at + 1) };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
