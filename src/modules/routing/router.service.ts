import { Injectable } from '@nestjs/common';
import type { RouterConfig } from '../../config/config.types';
import { GatewayError } from '../../common/errors/gateway-error';
import { ProviderError } from '../../providers/core/provider-error';
import type { DeploymentTarget } from '../../providers/core/adapter';
import { CatalogService } from './catalog.service';
import type { CatalogDeployment, ResolvedModel } from './catalog.types';
import { CooldownService } from './cooldown.service';
import { DeploymentStatsTable } from './deployment-stats';
import { DeploymentUsageService } from './deployment-usage.service';
import {
  classifyFailure,
  fallbackModels,
  noCapacityError,
  planCandidates,
  retryDelayMs,
  type CandidatePlan,
} from './failure-policy';
import { orderByStrategy, type DeploymentStats, type RandomSource } from './strategies';
import type { CancelSignal } from '../../providers/core/cancel';

export interface AttemptInfo {
  deployment: CatalogDeployment;
  /** The target handed to the codec (wildcard rest applied as the upstream model). */
  target: DeploymentTarget;
  /** The public model actually serving (differs from the requested one after a fallback). */
  model: ResolvedModel;
  attempt: number;
}

export interface RoutedResult<T> {
  value: T;
  info: AttemptInfo;
  attempts: number;
}

export class RoutingFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly last?: AttemptInfo,
    readonly attempts = 0,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Picks deployments for a resolved model and runs an attempt on each until one succeeds.
 *
 * - Candidates: enabled, not cooling down (cluster-wide breaker), not at their rpm/tpm limit; ordered by
 *   priority tier, then by the configured strategy.
 * - Retries (`router.retries`) move to the next candidate on retryable kinds (rate limit, overloaded,
 *   timeout, upstream 5xx, connection); retrying the same deployment backs off and honours retry-after.
 * - Then the model's fallback chain, chosen by the error kind (general, context-window, content-policy).
 * - No candidate at all: 429 when every deployment left is at its limit, else 503.
 *
 * Streams: the attempt function returns once the first event arrived and before anything is written, so
 * a stream is retried only until its first byte reaches the client, never after.
 * Nothing here touches Postgres; Redis is written only on failures and read asynchronously.
 */
@Injectable()
export class RouterService {
  private readonly stats = new DeploymentStatsTable();
  private random: RandomSource = Math.random;

  constructor(
    private readonly catalog: CatalogService,
    private readonly cooldowns: CooldownService,
    private readonly usage: DeploymentUsageService,
  ) {
    catalog.onChange(() => this.applySettings());
    this.applySettings();
  }

  get routerSettings(): RouterConfig {
    return this.catalog.routerSettings;
  }

  /** For tests and benchmarks: a seeded random source. */
  setRandomSource(random: RandomSource): void {
    this.random = random;
  }

  /** Live figures the strategies use (in-flight and latency are this replica's). */
  statsOf(id: string): DeploymentStats {
    const live = this.stats.get(id);
    const u = this.usage.totals(id);
    return { ...live, rpm: u.requests, tpm: u.tokens };
  }

  /** Tokens a deployment served, for tpm limits and `usage-based` (called once per metered request). */
  recordTokens(deploymentId: string | undefined, tokens: number): void {
    if (deploymentId && tokens > 0) this.usage.recordTokens(deploymentId, tokens);
  }

  /** Candidates for one model, in the order attempts will use them. */
  plan(model: ResolvedModel, now = Date.now()): CandidatePlan<CatalogDeployment> {
    const plan = planCandidates(
      model.model.deployments,
      (id) => this.cooldowns.isCooling(id, now),
      (d) => this.usage.isAtLimit(d, now),
    );
    return {
      ...plan,
      usable: orderByStrategy(
        this.routerSettings.strategy,
        plan.usable,
        (id) => this.statsOf(id),
        this.random,
      ),
    };
  }

  async run<T>(
    resolved: ResolvedModel,
    attemptFn: (info: AttemptInfo) => Promise<T>,
    signal?: CancelSignal,
  ): Promise<RoutedResult<T>> {
    const settings = this.routerSettings;
    const chain: ResolvedModel[] = [resolved];
    const visited = new Set<string>([resolved.model.name]);
    let attempts = 0;
    let lastError: unknown;
    let capacityError: GatewayError | undefined;
    let lastInfo: AttemptInfo | undefined;
    for (let c = 0; c < chain.length; c++) {
      const model = chain[c];
      const plan = this.plan(model);
      const ordered = plan.usable;
      let modelError: unknown;
      if (ordered.length === 0) {
        const limited = model.model.deployments.filter((d) => d.enabled && this.usage.isAtLimit(d));
        const wait = limited.length ? Math.min(...limited.map((d) => this.usage.msUntilBelow(d))) : undefined;
        modelError = noCapacityError(
          model.requestedName === model.model.name ? model.model.name : model.requestedName,
          plan,
          wait,
        );
        capacityError ??= modelError as GatewayError;
      }
      const budget = ordered.length === 0 ? 0 : settings.retries + 1;
      let previous: { id: string; retryAfterMs?: number } | undefined;
      for (let i = 0; i < budget; i++) {
        if (signal?.aborted)
          throw new RoutingFailure(lastError ?? new Error('client aborted'), lastInfo, attempts);
        const deployment = ordered[i % ordered.length];
        if (previous) {
          const delay = retryDelayMs({
            attempt: i + 1,
            sameDeployment: previous.id === deployment.id,
            retryAfterMs: previous.retryAfterMs,
            random: this.random,
          });
          if (delay === undefined) break;
          if (delay > 0) await sleep(delay, signal);
          if (signal?.aborted) throw new RoutingFailure(lastError, lastInfo, attempts);
        }
        const info: AttemptInfo = {
          deployment,
          target: targetOf(deployment, model),
          model,
          attempt: ++attempts,
        };
        lastInfo = info;
        const started = performance.now();
        this.stats.started(deployment.id);
        this.usage.recordRequest(deployment.id);
        try {
          const value = await attemptFn(info);
          this.stats.finished(deployment.id, performance.now() - started);
          void this.cooldowns.recordSuccess(deployment.id);
          return { value, info, attempts };
        } catch (err) {
          const failure = classifyFailure(err);
          const timedOut = err instanceof ProviderError && err.kind === 'timeout';
          this.stats.finished(deployment.id, timedOut ? performance.now() - started : undefined);
          lastError = err;
          modelError = err;
          if (!(err instanceof ProviderError)) throw new RoutingFailure(err, info, attempts);
          if (failure.countsTowardCooldown && !signal?.aborted)
            void this.cooldowns.recordFailure(deployment.id);
          if (!failure.retry) break;
          previous = { id: deployment.id, retryAfterMs: failure.retryAfterMs };
        }
      }
      for (const name of fallbackModels(model.model, classifyFailure(modelError).fallback)) {
        if (visited.has(name)) continue;
        const next = this.catalog.resolve(name);
        if (next) {
          visited.add(name);
          chain.push({ ...next, requestedName: resolved.requestedName });
        }
      }
    }
    if (attempts === 0) {
      throw new RoutingFailure(
        capacityError ??
          new GatewayError(
            'no_healthy_deployment',
            `No enabled deployment serves model '${resolved.requestedName}'`,
          ),
      );
    }
    throw new RoutingFailure(lastError, lastInfo, attempts);
  }

  private applySettings(): void {
    const s = this.catalog.routerSettings;
    this.cooldowns.configure(s.cooldown);
    const tracked: string[] = [];
    for (const m of this.catalog.list()) {
      for (const d of m.deployments)
        if (d.rpmLimit || d.tpmLimit || s.strategy === 'usage-based') tracked.push(d.id);
    }
    this.usage.track(tracked);
  }
}

function targetOf(d: CatalogDeployment, model: ResolvedModel): DeploymentTarget {
  return model.wildcardRest ? { ...d, upstreamModel: model.wildcardRest } : d;
}

function sleep(ms: number, signal?: CancelSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
