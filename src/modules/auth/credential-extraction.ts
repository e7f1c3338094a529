import type { IncomingHttpHeaders } from 'node:http';

/**
 * The presented secret, from any header form the SDKs use (contract §2): `Authorization: Bearer`,
 * `x-api-key` (Anthropic), `x-goog-api-key` or `?key=` (Google).
 */
export function extractCredential(
  headers: IncomingHttpHeaders,
  query: Record<string, unknown> | undefined,
): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (m) return m[1].trim();
  }
  const x = headers['x-api-key'] ?? headers['x-goog-api-key'];
  if (typeof x === 'string' && x) return x.trim();
  const q = query?.key;
  return typeof q === 'string' && q ? q : undefined;
}
