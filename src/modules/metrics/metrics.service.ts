import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UsageEvent } from '../usage/usage-event';

/** Sources of the usage-pipeline gauges, read at scrape time. */
export interface UsagePipelineProbe {
  queueDepth(): Promise<number>;
  lagSeconds(): number;
  spilled(): number;
}

/**
 * Prometheus metrics (one registry per app instance). Metered requests are observed from their usage
 * event (so every endpoint is covered once); requests refused before metering (401/403/429/400) are
 * counted with `refused`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private probe?: UsagePipelineProbe;
  private readonly children = new Map<Counter | Histogram, Map<string, unknown>>();

  private readonly requests = new Counter({
    name: 'switchboard_requests_total',
    help: 'Metered requests by public model, provider, endpoint and HTTP status',
    labelNames: ['model', 'provider', 'endpoint', 'status'] as const,
    registers: [this.registry],
  });
  private readonly refusedTotal = new Counter({
    name: 'switchboard_refused_requests_total',
    help: 'Requests refused before reaching a provider (auth, validation, rate limit, budget)',
    labelNames: ['endpoint', 'status', 'code'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'switchboard_request_duration_seconds',
    help: 'Total request latency of metered requests',
    labelNames: ['model', 'provider', 'status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly ttft = new Histogram({
    name: 'switchboard_time_to_first_token_seconds',
    help: 'Time to the first streamed byte',
    labelNames: ['model', 'provider'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'switchboard_tokens_total',
    help: 'Tokens by model, provider, status and type (prompt, completion, reasoning, cached)',
    labelNames: ['model', 'provider', 'status', 'type'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'switchboard_cost_usd_total',
    help: 'Cost in USD by model, provider and status (monitoring only; reports use exact decimals)',
    labelNames: ['model', 'provider', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    new Gauge({
      name: 'switchboard_usage_queue_depth',
      help: 'Usage events waiting in the Redis stream for the writer',
      registers: [this.registry],
      collect: async function (this: Gauge) {
        this.set(
          (await self()
            .probe?.queueDepth()
            .catch(() => -1)) ?? 0,
        );
      },
    });
    new Gauge({
      name: 'switchboard_usage_write_lag_seconds',
      help: 'Seconds between the creation of the newest written usage event and its commit to Postgres (last batch)',
      registers: [this.registry],
      collect: function (this: Gauge) {
        this.set(self().probe?.lagSeconds() ?? 0);
      },
    });
    new Gauge({
      name: 'switchboard_usage_spilled_events',
      help: 'Usage events held in memory while Redis is unreachable',
      registers: [this.registry],
      collect: function (this: Gauge) {
        this.set(self().probe?.spilled() ?? 0);
      },
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const me = this;
    function self(): MetricsService {
      return me;
    }
  }

  setUsageProbe(probe: UsagePipelineProbe): void {
    this.probe = probe;
  }

  observe(e: UsageEvent): void {
    const status = String(e.statusCode);
    const model = e.model;
    const provider = e.provider ?? '';
    const series = `${model}\u0000${provider}\u0000${status}`;
    this.bound(this.requests, `${series}\u0000${e.endpoint}`, {
      model,
      provider,
      endpoint: e.endpoint,
      status,
    }).inc();
    this.bound(this.latency, series, { model, provider, status }).observe(e.latencyMs / 1000);
    if (e.ttftMs !== undefined)
      this.bound(this.ttft, `${model}\u0000${provider}`, { model, provider }).observe(e.ttftMs / 1000);
    const u = e.usage;
    if (u) {
      const tokens = (type: string, n: number | undefined) => {
        if (n) this.bound(this.tokens, `${series}\u0000${type}`, { model, provider, status, type }).inc(n);
      };
      tokens('prompt', u.promptTokens);
      tokens('completion', u.completionTokens);
      tokens('reasoning', u.reasoningTokens);
      tokens('cached', u.cachedTokens);
    }
    const c = Number(e.costUsd);
    if (c > 0) this.bound(this.cost, series, { model, provider, status }).inc(c);
  }

  /**
   * The metric's child for one label set, kept: prom-client hashes the label object on every call
   * otherwise. Label sets are bounded by the catalog (model × provider × status × endpoint).
   */
  private bound<M extends Counter | Histogram>(
    metric: M,
    key: string,
    labels: Record<string, string>,
  ): ReturnType<M['labels']> {
    let byKey = this.children.get(metric);
    if (!byKey) {
      byKey = new Map();
      this.children.set(metric, byKey);
    }
    let child = byKey.get(key);
    if (!child) {
      child = metric.labels(labels);
      byKey.set(key, child);
    }
    return child as ReturnType<M['labels']>;
  }

  refused(endpoint: string, status: number, code: string): void {
    this.refusedTotal.inc({ endpoint, status: String(status), code });
  }
}
