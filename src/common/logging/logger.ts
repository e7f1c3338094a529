import pino, { type Logger } from 'pino';

/**
 * JSON-lines logger. Secrets never reach it: the redaction list covers every place a key could ride
 * (headers, query, bodies), and code never logs raw requests.
 */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  '*.*.authorization',
  'x-api-key',
  '*["x-api-key"]',
  '*.*["x-api-key"]',
  '*["x-goog-api-key"]',
  '*.*["x-goog-api-key"]',
  '*["api-key"]',
  'api_key',
  '*.api_key',
  '*.apiKey',
  '*.key',
  '*.masterKey',
  '*.webhook_secret',
  '*.query.key',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ sync: false }),
  );
}

/** Strips `key=` query values from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]key=)[^&]*/gi, '$1[redacted]');
}

export type { Logger };
