/** The client dialects the gateway speaks; each has its own error shape (contract §3). */
export type Dialect = 'openai' | 'anthropic' | 'google' | 'kling' | 'seedance';

/** Which dialect a request path belongs to. Admin and health routes answer in the OpenAI shape. */
export function dialectOfPath(path: string): Dialect {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (path.startsWith('/v1beta/') || path.startsWith('/gemini/')) return 'google';
  if (path.startsWith('/kling/')) return 'kling';
  if (path.startsWith('/seedance/')) return 'seedance';
  return 'openai';
}
