import { GatewayError } from '../../common/errors/gateway-error';
import { ProviderError } from '../../providers/core/provider-error';
import type { RandomSource } from './strategies/types';

export type FallbackKind = 'general' | 'context_window' | 'content_policy';

/** What the router does after one failed attempt. Decided from the error kind, never from text. */
export interface FailureClass {
  /** Try again (on another deployment when there is one). */
  retry: boolean;
  /** Counts toward the deployment's cooldown (circuit breaker). */
  countsTowardCooldown: boolean;
  /** Which fallback chain applies once this model is exhausted; null = none, surface the error. */
  fallback: FallbackKind | null;
  retryAfterMs?: number;
}

const NONE: FailureClass = { retry: false, countsTowardCooldown: false, fallback: null };

/**
 * Pure classification of an attempt's error:
 * - rate_limit, overloaded, timeout, upstream (5xx), connection (reset, refused): retried on another
 *   deployment, counted toward cooldown, then the general fallbacks;
 * - insufficient_credit (the provider account is out of credit): retried elsewhere, never cooled down;
 * - auth (the deployment's credential was refused): not retried, counted toward cooldown (a broken
 *   deployment should be skipped), then the general fallbacks;
 * - context_length → context_window fallbacks (general ones when none); content_filter →
 *   content_policy fallbacks (general ones when none); neither is the deployment's fault;
 * - invalid_request, not_found, unsupported, a client abort: surfaced as they are;
 * - no capacity (every deployment cooling down or at its rpm/tpm limit): the general fallbacks.
 */
export function classifyFailure(err: unknown): FailureClass {
  if (err instanceof GatewayError) {
    return err.code === 'no_healthy_deployment' || err.code === 'rate_limit_exceeded'
      ? { ...NONE, fallback: 'general' }
      : NONE;
  }
  if (!(err instanceof ProviderError)) return NONE;
  switch (err.kind) {
    case 'rate_limit':
    case 'overloaded':
    case 'timeout':
    case 'upstream':
      return { retry: true, countsTowardCooldown: true, fallback: 'general', retryAfterMs: err.retryAfterMs };
    case 'connection':
      if (err.upstreamCode === 'client_aborted') return NONE;
      return { retry: true, countsTowardCooldown: true, fallback: 'general', retryAfterMs: err.retryAfterMs };
    case 'auth':
      return { retry: false, countsTowardCooldown: true, fallback: 'general' };
    case 'insufficient_credit':
      // Another deployment may serve; this one is not broken (no cooldown), its owner must top it up.
      return { retry: true, countsTowardCooldown: false, fallback: 'general' };
    case 'context_length':
      return { ...NONE, fallback: 'context_window' };
    case 'content_filter':
      return { ...NONE, fallback: 'content_policy' };
    case 'invalid_request':
    case 'not_found':
    case 'unsupported':
      return NONE;
  }
}

export interface FallbackLists {
  fallbacks: string[];
  contextWindowFallbacks: string[];
  contentPolicyFallbacks: string[];
}

/** The fallback models for a failure kind: the specific list, or the general one when it is empty. */
export function fallbackModels(model: FallbackLists, kind: FallbackKind | null): string[] {
  if (kind === null) return [];
  if (kind === 'context_window' && model.contextWindowFallbacks.length) return model.contextWindowFallbacks;
  if (kind === 'content_policy' && model.contentPolicyFallbacks.length) return model.contentPolicyFallbacks;
  return model.fallbacks;
}

export const BACKOFF_BASE_MS = 100;
export const BACKOFF_CAP_MS = 2_000;
/** A retry-after longer than this is not waited for: the 429 goes back to the client with it. */
export const MAX_RETRY_AFTER_WAIT_MS = 15_000;

/**
 * How long to wait before attempt `attempt` (2, 3, …). Moving to a different deployment is immediate;
 * retrying the same one waits for its `retry-after` when it sent one, otherwise exponential backoff with
 * jitter (100 ms, 200 ms, … capped at 2 s, each × [0.5, 1)). Returns `undefined` when the wait would be
 * longer than `MAX_RETRY_AFTER_WAIT_MS` (give up and surface the error).
 */
export function retryDelayMs(opts: {
  attempt: number;
  sameDeployment: boolean;
  retryAfterMs?: number;
  random: RandomSource;
}): number | undefined {
  if (!opts.sameDeployment) return 0;
  if (opts.retryAfterMs !== undefined)
    return opts.retryAfterMs > MAX_RETRY_AFTER_WAIT_MS ? undefined : opts.retryAfterMs;
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, opts.attempt - 2));
  return Math.round(exp * (0.5 + opts.random() / 2));
}

/** Why a deployment cannot take a request right now. */
export type Unavailability = 'disabled' | 'cooling' | 'at_limit';

/** The usable candidates of one model, and why the others were left out. Pure. */
export interface CandidatePlan<T> {
  usable: T[];
  cooling: number;
  atLimit: number;
}

/**
 * Leaves out disabled deployments, those cooling down and those at their rpm/tpm limit. Cooldown is
 * not applied when a model has a single enabled deployment (there is nothing to move to; LiteLLM does
 * the same), so a flaky single upstream still gets its retries instead of a 503.
 */
export function planCandidates<T extends { id: string; enabled: boolean }>(
  deployments: T[],
  isCooling: (id: string) => boolean,
  isAtLimit: (d: T) => boolean,
): CandidatePlan<T> {
  const enabled = deployments.filter((d) => d.enabled);
  const applyCooldown = enabled.length > 1;
  const usable: T[] = [];
  let cooling = 0;
  let atLimit = 0;
  for (const d of enabled) {
    if (applyCooldown && isCooling(d.id)) cooling++;
    else if (isAtLimit(d)) atLimit++;
    else usable.push(d);
  }
  return { usable, cooling, atLimit };
}

/** The error when no deployment can take a request: 429 when every one left is at its limit, else 503. */
export function noCapacityError(
  model: string,
  plan: { cooling: number; atLimit: number },
  retryAfterMs?: number,
): GatewayError {
  if (plan.atLimit > 0 && plan.cooling === 0) {
    return new GatewayError(
      'rate_limit_exceeded',
      `Every deployment of model '${model}' is at its rpm/tpm limit`,
      {
        retryAfterSeconds: Math.max(1, Math.ceil((retryAfterMs ?? 1000) / 1000)),
      },
    );
  }
  return new GatewayError('no_healthy_deployment', `No healthy deployment serves model '${model}' right now`);
}
