import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { SecretBox } from '../../common/crypto/secret-box';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { PrismaService } from '../../database/prisma.service';
import { RedisService } from '../../database/redis.service';
import type { ProviderId } from '../../providers/core/adapter';
import type { CatalogDeployment, CatalogModel, ResolvedModel } from './catalog.types';
import { syncCatalog } from './catalog-sync';

const CHANNEL = 'catalog-changed';
const NOTHINK = '-nothink';

/**
 * The model catalog, held in memory on every replica (no Postgres on the request path) and reloaded
 * when any replica publishes a change on Redis.
 */
@Injectable()
export class CatalogService implements OnModuleInit, OnModuleDestroy {
  private models = new Map<string, CatalogModel>();
  private aliases = new Map<string, string>();
  private wildcards: Array<{ prefix: string; name: string }> = [];
  private reloading?: Promise<void>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await syncCatalog(this.prisma, this.config.models, this.box);
    await this.reload();
    const channel = this.redis.key(CHANNEL);
    await this.redis.subscriber.subscribe(channel);
    this.redis.subscriber.on('message', (ch) => {
      if (ch === channel) void this.reload();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.reloading;
  }

  /** Tell every replica (this one included) to reload. */
  async publishChange(): Promise<void> {
    await this.reload();
    await this.redis.client.publish(this.redis.key(CHANNEL), String(Date.now()));
  }

  list(): CatalogModel[] {
    return [...this.models.values()];
  }

  get(name: string): CatalogModel | undefined {
    return this.models.get(name);
  }

  /** Exact name → alias → `-nothink` suffix → `prefix/*` wildcard. */
  resolve(name: string): ResolvedModel | undefined {
    const direct = this.models.get(name) ?? this.models.get(this.aliases.get(name) ?? '');
    if (direct) return { requestedName: name, model: direct };
    if (name.endsWith(NOTHINK)) {
      const base = this.resolve(name.slice(0, -NOTHINK.length));
      if (base) return { ...base, requestedName: name, noThink: true };
    }
    for (const w of this.wildcards) {
      if (name.startsWith(w.prefix) && name.length > w.prefix.length) {
        return { requestedName: name, model: this.models.get(w.name)!, wildcardRest: name.slice(w.prefix.length) };
      }
    }
    return undefined;
  }

  async reload(): Promise<void> {
    const run = this.load().catch((err: unknown) => this.logger.error({ err: String(err) }, 'catalog reload failed'));
    this.reloading = run;
    await run;
  }

  private async load(): Promise<void> {
    const rows = await this.prisma.model.findMany({ include: { deployments: true } });
    const models = new Map<string, CatalogModel>();
    const aliases = new Map<string, string>();
    const wildcards: Array<{ prefix: string; name: string }> = [];
    for (const r of rows) {
      const model: CatalogModel = {
        name: r.name,
        source: r.source,
        pricing: (r.pricing ?? {}) as CatalogModel['pricing'],
        fallbacks: r.fallbacks,
        contextWindowFallbacks: r.contextWindowFallbacks,
        contentPolicyFallbacks: r.contentPolicyFallbacks,
        aliases: r.aliases,
        settings: (r.settings ?? {}) as Record<string, unknown>,
        deployments: r.deployments.map((d) => this.toDeployment(d)),
      };
      models.set(r.name, model);
      for (const a of r.aliases) aliases.set(a, r.name);
      if (r.name.endsWith('/*')) wildcards.push({ prefix: r.name.slice(0, -1), name: r.name });
    }
    wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
    this.models = models;
    this.aliases = aliases;
    this.wildcards = wildcards;
  }

  private toDeployment(d: {
    id: string; modelName: string; provider: string; upstreamModel: string; baseUrl: string | null; apiKeyEnc: string | null;
    weight: number; priority: number; rpmLimit: number | null; tpmLimit: number | null; connectTimeoutMs: number;
    timeoutMs: number; streamIdleTimeoutMs: number; enabled: boolean; settings: unknown;
  }): CatalogDeployment {
    return {
      id: d.id,
      modelName: d.modelName,
      provider: d.provider as ProviderId,
      upstreamModel: d.upstreamModel,
      baseUrl: d.baseUrl ?? undefined,
      apiKey: d.apiKeyEnc ? this.box.open(d.apiKeyEnc).plaintext : undefined,
      weight: d.weight,
      priority: d.priority,
      rpmLimit: d.rpmLimit ?? undefined,
      tpmLimit: d.tpmLimit ?? undefined,
      connectTimeoutMs: d.connectTimeoutMs,
      timeoutMs: d.timeoutMs,
      streamIdleTimeoutMs: d.streamIdleTimeoutMs,
      enabled: d.enabled,
      settings: (d.settings ?? {}) as Record<string, unknown>,
    };
  }
}
