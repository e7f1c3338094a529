import type { ProviderContext } from './adapter';
import type { ProviderError } from './provider-error';

/**
 * Removes credentials from text that came from a provider (error messages): some upstreams echo the
 * `Authorization` header or the key back. `secrets` are removed wherever they appear (a Kling-style
 * `access:secret` pair part by part); on top of that, anything after `Bearer`/`Basic` and anything
 * shaped like a well-known provider key (`sk-…`, `AIza…`) is removed, whatever deployment it was.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const part of [secret, ...secret.split(':')])
      if (part.length >= MIN_SECRET_LENGTH) out = out.split(part).join(REDACTED);
  }
  return out
    .replace(/\b(Bearer|Basic)\s+[^\s"'`,;]+/gi, `$1 ${REDACTED}`)
    .replace(/\bsk-[A-Za-z0-9_-]{16,}/g, REDACTED)
    .replace(/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED);
}

const REDACTED = '[redacted]';
/** Shorter "secrets" (test placeholders, empty parts) would blank out ordinary words. */
const MIN_SECRET_LENGTH = 8;

/** A codec's error for an upstream refusal, without the deployment's credential (some upstreams echo it). */
export function withoutCredential(err: ProviderError, ctx: ProviderContext): ProviderError {
  err.message = redactSecrets(err.message, [ctx.deployment.apiKey]);
  return err;
}
