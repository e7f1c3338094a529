import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig, RouterConfig } from '../../config/config.types';
import { GatewayError } from '../../common/errors/gateway-error';
import { ProviderError } from '../../providers/core/provider-error';
import type { DeploymentTarget } from '../../providers/core/adapter';
import { CatalogService } from './catalog.service';
import type { CatalogDeployment, ResolvedModel } from './catalog.types';
import { orderDeployments } from './deployment-selection';

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
 * Picks deployments for a resolved model and runs an attempt on each until one succeeds: retries move
 * to another deployment on retryable ProviderError kinds, then the model's fallback chain is tried
 * (context-window and content-policy fallbacks chosen by error kind).
 */
@Injectable()
export class RouterService {
  private settings: RouterConfig;

  constructor(
    private readonly catalog: CatalogService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.settings = config.router;
  }

  get routerSettings(): RouterConfig {
    return this.settings;
  }

  async run<T>(resolved: ResolvedModel, attemptFn: (info: AttemptInfo) => Promise<T>, signal?: AbortSignal): Promise<RoutedResult<T>> {
    const chain: ResolvedModel[] = [resolved];
    const visited = new Set<string>([resolved.model.name]);
    let attempts = 0;
    let lastError: unknown;
    let lastInfo: AttemptInfo | undefined;
    for (let c = 0; c < chain.length; c++) {
      const model = chain[c];
      const ordered = orderDeployments(model.model.deployments);
      // retries + 1 attempts per model, moving to the next deployment each time (cycling when few).
      const budget = ordered.length === 0 ? 0 : this.settings.retries + 1;
      for (let i = 0; i < budget; i++) {
        if (signal?.aborted) throw new RoutingFailure(lastError ?? new Error('client aborted'), lastInfo, attempts);
        const deployment = ordered[i % ordered.length];
        const info: AttemptInfo = { deployment, target: targetOf(deployment, model), model, attempt: ++attempts };
        lastInfo = info;
        try {
          return { value: await attemptFn(info), info, attempts };
        } catch (err) {
          lastError = err;
          if (!(err instanceof ProviderError)) throw new RoutingFailure(err, info, attempts);
          if (!err.retryable) break;
          if (err.retryAfterMs && i + 1 < budget) await sleep(Math.min(err.retryAfterMs, 10_000), signal);
        }
      }
      for (const name of this.fallbacksFor(model, lastError)) {
        if (visited.has(name)) continue;
        const next = this.catalog.resolve(name);
        if (next) {
          visited.add(name);
          chain.push({ ...next, requestedName: resolved.requestedName });
        }
      }
    }
    if (attempts === 0) throw new RoutingFailure(new GatewayError('no_healthy_deployment', `No enabled deployment serves model '${resolved.requestedName}'`));
    throw new RoutingFailure(lastError, lastInfo, attempts);
  }

  private fallbacksFor(model: ResolvedModel, err: unknown): string[] {
    if (!(err instanceof ProviderError)) return [];
    if (err.kind === 'context_length') return model.model.contextWindowFallbacks.length ? model.model.contextWindowFallbacks : model.model.fallbacks;
    if (err.kind === 'content_filter') return model.model.contentPolicyFallbacks;
    if (err.retryable) return model.model.fallbacks;
    return [];
  }
}

function targetOf(d: CatalogDeployment, model: ResolvedModel): DeploymentTarget {
  return model.wildcardRest ? { ...d, upstreamModel: model.wildcardRest } : d;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
