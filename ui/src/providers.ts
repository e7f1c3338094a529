import { PROVIDER_IDS } from '../../src/providers/core/provider-ids';

/** The gateway's providers (the server's own list): the deployment form and the usage logs' filter. */
export const PROVIDERS: readonly string[] = PROVIDER_IDS;

/**
 * The usage logs' `status` filter: the classes the API takes (`error` is >= 400, as the summary counts
 * errors), then the codes the gateway answers with most.
 */
export const STATUS_CLASSES = [
  ['error', 'errors (≥ 400)'],
  ['success', 'successes (< 400)'],
  ['2xx', '2xx'],
  ['4xx', '4xx'],
  ['5xx', '5xx'],
] as const;
export const STATUS_CODES = [
  200, 400, 401, 402, 403, 404, 408, 409, 413, 415, 422, 429, 499, 500, 502, 503, 504,
];
