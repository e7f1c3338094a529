import { GatewayError } from '../../common/errors/gateway-error';
import { ProviderError, type ProviderErrorKind } from '../../providers/core/provider-error';
import {
  BACKOFF_CAP_MS,
  MAX_RETRY_AFTER_WAIT_MS,
  classifyFailure,
  fallbackModels,
  noCapacityError,
  planCandidates,
  retryDelayMs,
} from './failure-policy';
import { seededRandom } from './strategies';

const pe = (kind: ProviderErrorKind, extra: Partial<ConstructorParameters<typeof ProviderError>[0]> = {}) =>
  new ProviderError({ kind, message: kind, ...extra });

describe('classifyFailure', () => {
  it.each(['rate_limit', 'overloaded', 'timeout', 'upstream', 'connection'] as const)(
    '%s is retried on another deployment, counts toward cooldown, then general fallbacks',
    (kind) => {
      expect(classifyFailure(pe(kind))).toEqual({
        retry: true,
        countsTowardCooldown: true,
        fallback: 'general',
        retryAfterMs: undefined,
      });
    },
  );

  it('keeps retry-after', () => {
    expect(classifyFailure(pe('rate_limit', { retryAfterMs: 1500 })).retryAfterMs).toBe(1500);
  });

  it('auth: not retried, counts toward cooldown, general fallbacks', () => {
    expect(classifyFailure(pe('auth'))).toEqual({
      retry: false,
      countsTowardCooldown: true,
      fallback: 'general',
    });
  });

  it('insufficient_credit: retried on another deployment, never cools this one down', () => {
    expect(classifyFailure(pe('insufficient_credit'))).toEqual({
      retry: true,
      countsTowardCooldown: false,
      fallback: 'general',
    });
  });

  it('context_length and content_filter choose their fallback chains and never cool a deployment down', () => {
    expect(classifyFailure(pe('context_length'))).toEqual({
      retry: false,
      countsTowardCooldown: false,
      fallback: 'context_window',
    });
    expect(classifyFailure(pe('content_filter'))).toEqual({
      retry: false,
      countsTowardCooldown: false,
      fallback: 'content_policy',
    });
  });

  it.each(['invalid_request', 'not_found', 'unsupported'] as const)('%s is surfaced as is', (kind) => {
    expect(classifyFailure(pe(kind))).toEqual({ retry: false, countsTowardCooldown: false, fallback: null });
  });

  it('a client abort is neither retried nor counted', () => {
    expect(classifyFailure(pe('connection', { upstreamCode: 'client_aborted' }))).toEqual({
      retry: false,
      countsTowardCooldown: false,
      fallback: null,
    });
  });

  it('no capacity goes to the general fallbacks; other errors are surfaced', () => {
    expect(classifyFailure(new GatewayError('no_healthy_deployment', 'x')).fallback).toBe('general');
    expect(classifyFailure(new GatewayError('rate_limit_exceeded', 'x')).fallback).toBe('general');
    expect(classifyFailure(new GatewayError('invalid_request', 'x')).fallback).toBeNull();
    expect(classifyFailure(new Error('boom')).fallback).toBeNull();
  });
});

describe('fallbackModels', () => {
  const m = { fallbacks: ['g'], contextWindowFallbacks: ['big'], contentPolicyFallbacks: ['lenient'] };
  it('picks the list by kind, the general list when the specific one is empty', () => {
    expect(fallbackModels(m, 'general')).toEqual(['g']);
    expect(fallbackModels(m, 'context_window')).toEqual(['big']);
    expect(fallbackModels(m, 'content_policy')).toEqual(['lenient']);
    expect(fallbackModels({ ...m, contextWindowFallbacks: [] }, 'context_window')).toEqual(['g']);
    expect(fallbackModels(m, null)).toEqual([]);
  });
});

describe('retryDelayMs', () => {
  const random = seededRandom(12);
  it('moves to another deployment at once', () => {
    expect(retryDelayMs({ attempt: 2, sameDeployment: false, retryAfterMs: 5000, random })).toBe(0);
  });
  it('honours retry-after on the same deployment, and gives up when it is too long', () => {
    expect(retryDelayMs({ attempt: 2, sameDeployment: true, retryAfterMs: 1200, random })).toBe(1200);
    expect(
      retryDelayMs({ attempt: 2, sameDeployment: true, retryAfterMs: MAX_RETRY_AFTER_WAIT_MS + 1, random }),
    ).toBeUndefined();
  });
  it('backs off exponentially with jitter, capped', () => {
    const d2 = retryDelayMs({ attempt: 2, sameDeployment: true, random: () => 0 })!;
    const d3 = retryDelayMs({ attempt: 3, sameDeployment: true, random: () => 0 })!;
    expect(d2).toBe(50);
    expect(d3).toBe(100);
    expect(retryDelayMs({ attempt: 20, sameDeployment: true, random: () => 0.999 })!).toBeLessThanOrEqual(
      BACKOFF_CAP_MS,
    );
  });
});

describe('planCandidates', () => {
  const d = (id: string, enabled = true, rpmLimit?: number) => ({ id, enabled, rpmLimit });
  it('leaves out disabled, cooling and at-limit deployments, counting why', () => {
    const plan = planCandidates(
      [d('a'), d('b', false), d('c'), d('e', true, 1)],
      (id) => id === 'c',
      (x) => x.id === 'e',
    );
    expect(plan.usable.map((x) => x.id)).toEqual(['a']);
    expect(plan).toMatchObject({ cooling: 1, atLimit: 1 });
  });
  it('never cools down the only enabled deployment', () => {
    expect(
      planCandidates(
        [d('a'), d('b', false)],
        () => true,
        () => false,
      ).usable.map((x) => x.id),
    ).toEqual(['a']);
  });
  it('429 when every deployment left is at its limit, else 503', () => {
    expect(noCapacityError('m', { cooling: 0, atLimit: 2 }, 2500)).toMatchObject({
      status: 429,
      retryAfterSeconds: 3,
    });
    expect(noCapacityError('m', { cooling: 1, atLimit: 1 }).status).toBe(503);
    expect(noCapacityError('m', { cooling: 0, atLimit: 0 }).status).toBe(503);
  });
});
