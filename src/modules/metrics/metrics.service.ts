import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { SeriesCounter, SeriesHistogram } from './series-metrics';
import type { UsageEvent } from '../usage/usage-event';

/** Sources of the usage-pipeline gauges, read at scrape time. */
export interface UsagePipelineProbe {
  queueDepth(): Promise<number>;
  lagSeconds(): number;
  spilled(): number;
}

/** Sources of the video-task gauges (worker roles), read at scrape time. */
export interface VideoTaskProbe {
  tasksByStatus(): Promise<Record<string, number>>;
  pollQueueDepth(): Promise<number>;
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
  private videoProbe?: VideoTaskProbe;
  private readonly videoPolls = new Counter({
    name: 'switchboard_video_polls_total',
    help: 'Video task polls by provider and result (ok, error)',
    labelNames: ['provider', 'result'] as const,
    registers: [this.registry],
  });
  private readonly outOfCredit = new Counter({
    name: 'switchboard_deployment_out_of_credit_total',
    help: "Calls a provider refused because the deployment's account is out of credit (not a cooldown: top it up)",
    labelNames: ['deployment_id', 'provider'] as const,
    registers: [this.registry],
  });
  private readonly videoEnded = new Counter({
    name: 'switchboard_video_tasks_ended_total',
    help: 'Video tasks ended by provider and outcome (completed, failed, cancelled, timeout)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly requests = new SeriesCounter(
    'switchboard_requests_total',
    'Metered requests by public model, provider, endpoint and HTTP status',
    this.registry,
  );
  private readonly refusedTotal = new Counter({
    name: 'switchboard_refused_requests_total',
    help: 'Requests refused before reaching a provider (auth, validation, rate limit, budget)',
    labelNames: ['endpoint', 'status', 'code'] as const,
    registers: [this.registry],
  });
  private readonly latency = new SeriesHistogram(
    'switchboard_request_duration_seconds',
    'Total request latency of metered requests',
    this.registry,
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  );
  private readonly ttft = new SeriesHistogram(
    'switchboard_time_to_first_token_seconds',
    'Time to the first streamed byte',
    this.registry,
    [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  );
  private readonly tokens = new SeriesCounter(
    'switchboard_tokens_total',
    'Tokens by model, provider, status and type (prompt, completion, reasoning, cached)',
    this.registry,
  );
  private readonly cost = new SeriesCounter(
    'switchboard_cost_usd_total',
    'Cost in USD by model, provider and status (monitoring only; reports use exact decimals)',
    this.registry,
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    new Gauge({
      name: 'switchboard_usage_queue_depth',
      help: 'Usage stream entries waiting in Redis for the writer (each holds the events of one settlement batch: one per request at low load, more under load)',
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
    new Gauge({
      name: 'switchboard_video_tasks',
      help: 'Video tasks by status (every task the table holds)',
      labelNames: ['status'] as const,
      registers: [this.registry],
      collect: async function (this: Gauge) {
        const probe = self().videoProbe;
        if (!probe) return;
        const counts = await probe.tasksByStatus().catch(() => ({}) as Record<string, number>);
        for (const status of ['queued', 'in_progress', 'completed', 'failed', 'cancelled'])
          this.set({ status }, counts[status] ?? 0);
      },
    });
    new Gauge({
      name: 'switchboard_video_poll_queue_depth',
      help: 'Video poll jobs waiting, delayed or running in the BullMQ queue',
      registers: [this.registry],
      collect: async function (this: Gauge) {
        const probe = self().videoProbe;
        if (probe) this.set(await probe.pollQueueDepth().catch(() => -1));
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

  setVideoProbe(probe: VideoTaskProbe): void {
    this.videoProbe = probe;
  }

  videoPoll(provider: string, result: 'ok' | 'error'): void {
    this.videoPolls.inc({ provider, result });
  }

  deploymentOutOfCredit(deploymentId: string, provider: string): void {
    this.outOfCredit.inc({ deployment_id: deploymentId, provider });
  }

  videoTaskEnded(provider: string, outcome: string): void {
    this.videoEnded.inc({ provider, outcome });
  }

  observe(e: UsageEvent): void {
    const status = String(e.statusCode);
    const model = e.model;
    const provider = e.provider ?? '';
    const series = `${model}\u0000${provider}\u0000${status}`;
    const labels = () => ({ model, provider, status });
    this.requests.inc(`${series}\u0000${e.endpoint}`, () => ({
      model,
      provider,
      endpoint: e.endpoint,
      status,
    }));
    this.latency.observe(series, labels, e.latencyMs / 1000);
    if (e.ttftMs !== undefined)
      this.ttft.observe(`${model}\u0000${provider}`, () => ({ model, provider }), e.ttftMs / 1000);
    const u = e.usage;
    if (u) {
      const tokens = (type: string, n: number | undefined) => {
        if (n) this.tokens.inc(`${series}\u0000${type}`, () => ({ ...labels(), type }), n);
      };
      tokens('prompt', u.promptTokens);
      tokens('completion', u.completionTokens);
      tokens('reasoning', u.reasoningTokens);
      tokens('cached', u.cachedTokens);
    }
    const c = Number(e.costUsd);
    if (c > 0) this.cost.inc(series, labels, c);
  }

  refused(endpoint: string, status: number, code: string): void {
    this.refusedTotal.inc({ endpoint, status: String(status), code });
  }
}
