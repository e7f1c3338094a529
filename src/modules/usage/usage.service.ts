import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { PrismaService } from '../../database/prisma.service';
import type { UsageEvent } from './usage-event';

const FLUSH_MS = 500;
const BATCH = 500;

/**
 * Records one usage event per metered request, off the request path: events are buffered and
 * written in batches, idempotent on the event id.
 */
@Injectable()
export class UsageService implements OnModuleDestroy {
  private buffer: UsageEvent[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  record(event: UsageEvent): void {
    this.buffer.push(event);
    if (this.buffer.length >= BATCH) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer.splice(0, this.buffer.length);
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: UsageEvent[]): Promise<void> {
    try {
      await this.prisma.usageRecord.createMany({ data: batch.map(toRow), skipDuplicates: true });
    } catch (err) {
      this.logger.error({ err: String(err), count: batch.length }, 'usage write failed; re-queued');
      this.buffer.unshift(...batch);
      if (!this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_MS * 4);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}

function toRow(e: UsageEvent) {
  const u = e.usage;
  return {
    id: e.id,
    requestId: e.requestId,
    createdAt: e.createdAt,
    keyId: e.keyId ?? null,
    teamId: e.teamId ?? null,
    model: e.model,
    deploymentId: e.deploymentId ?? null,
    provider: e.provider ?? null,
    upstreamModel: e.upstreamModel ?? null,
    endpoint: e.endpoint,
    statusCode: e.statusCode,
    errorType: e.errorType ?? null,
    promptTokens: u?.promptTokens ?? 0,
    completionTokens: u?.completionTokens ?? 0,
    reasoningTokens: u?.reasoningTokens ?? 0,
    cachedTokens: u?.cachedTokens ?? 0,
    cacheWriteTokens: u?.cacheWriteTokens ?? 0,
    images: e.images ?? 0,
    audioSeconds: e.audioSeconds ?? '0',
    videoSeconds: e.videoSeconds ?? '0',
    costUsd: e.costUsd,
    latencyMs: e.latencyMs,
    ttftMs: e.ttftMs ?? null,
    stream: e.stream,
    estimated: u?.estimated ?? false,
  };
}
