import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/app-config';
import { DEFAULT_ROUTER, type AppConfig, type RouterConfig } from '../../config/config.types';
import type { Prisma } from '../../generated/prisma/client';
import { SecretBox } from '../../common/crypto/secret-box';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { PrismaService } from '../../database/prisma.service';
import { RedisService } from '../../database/redis.service';
import { AuditLogService } from '../audit/audit-log.service';
import type { ProviderId } from '../../providers/core/adapter';
import type { CatalogDeployment, CatalogModel, ResolvedModel } from './catalog.types';
import { syncCatalog } from './catalog-sync';
import { bootRouterSettings, parseStoredRouter } from './router-settings';

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
  private queued?: Promise<void>;
  private router: RouterConfig = DEFAULT_ROUTER;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditLogService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await syncCatalog(this.prisma, this.config.models, this.box, {
      demoModel: this.config.demoModel,
      audit: (tx, entry) => this.audit.recordBoot(tx, entry),
    });
    if (this.config.configFile) this.logYamlCatalog();
    await this.syncRouterSettings();
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

  /** The boot log names what the YAML declared: models and deployments, never a URL or credential. */
  private logYamlCatalog(): void {
    const models = this.config.models;
    const deployments = models.flatMap((m) =>
      m.deployments.map((d, i) => `${m.modelName}#${i} (${d.provider} ${d.upstreamModel})`),
    );
    this.logger.info(
      { config_file: this.config.configFile, models: models.map((m) => m.modelName), deployments },
      `YAML catalog loaded: ${models.length} models, ${deployments.length} deployments`,
    );
    const ignored = this.config.ignoredYamlKeys ?? [];
    if (ignored.length)
      this.logger.warn(
        { config_file: this.config.configFile, ignored },
        `YAML keys ignored (LiteLLM settings Switchboard does not use): ${ignored.join(', ')}`,
      );
  }

  /** Tell every replica (this one included) to reload. */
  async publishChange(): Promise<void> {
    await this.reload();
    await this.redis.client.publish(this.redis.key(CHANNEL), String(Date.now()));
  }

  /** Router settings in force (RouterSettings row; YAML `router:` is the boot default). */
  get routerSettings(): RouterConfig {
    return this.router;
  }

  /** Called after every reload (settings and deployments may have changed). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  list(): CatalogModel[] {
    return [...this.models.values()];
  }

  get(name: string): CatalogModel | undefined {
    return this.models.get(name);
  }

  /**
   * A deployment by its id, enabled or not, with its credential as stored now (a video task is polled
   * with the deployment that created it, even after a key rotation).
   */
  deployment(id: string): CatalogDeployment | undefined {
    for (const m of this.models.values()) for (const d of m.deployments) if (d.id === id) return d;
    return undefined;
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
        return {
          requestedName: name,
          model: this.models.get(w.name)!,
          wildcardRest: name.slice(w.prefix.length),
        };
      }
    }
    return undefined;
  }

  /** Reloads serially; reload requests arriving while one waits to start share it. */
  async reload(): Promise<void> {
    if (this.queued) return this.queued;
    const run = (this.reloading ?? Promise.resolve()).then(() => {
      this.queued = undefined;
      return this.load().catch((err: unknown) =>
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'catalog reload failed'),
      );
    });
    this.queued = run;
    this.reloading = run;
    await run;
  }

  private async syncRouterSettings(): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(727002)');
      const row = await tx.routerSettings.findUnique({ where: { id: 1 } });
      const next = bootRouterSettings(parseStoredRouter(row?.settings), this.config.router);
      const settings = next as unknown as Prisma.InputJsonValue;
      await tx.routerSettings.upsert({ where: { id: 1 }, create: { id: 1, settings }, update: { settings } });
    });
  }

  private async load(): Promise<void> {
    const [rows, routerRow] = await Promise.all([
      this.prisma.model.findMany({ include: { deployments: true } }),
      this.prisma.routerSettings.findUnique({ where: { id: 1 } }),
    ]);
    const reseal: Array<{ id: string; old: string; plaintext: string }> = [];
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
        deployments: r.deployments.map((d) => this.toDeployment(d, reseal)),
      };
      models.set(r.name, model);
      for (const a of r.aliases) aliases.set(a, r.name);
      if (r.name.endsWith('/*')) wildcards.push({ prefix: r.name.slice(0, -1), name: r.name });
    }
    wildcards.sort((a, b) => b.prefix.length - a.prefix.length);
    this.models = models;
    this.aliases = aliases;
    this.wildcards = wildcards;
    this.router = parseStoredRouter(routerRow?.settings)?.effective ?? this.config.router;
    for (const l of this.listeners) l();
    if (reseal.length) void this.reseal(reseal);
  }

  /**
   * Key rotation: credentials that opened only with SWITCHBOARD_ENCRYPTION_KEY_PREVIOUS are sealed
   * again with the current key (compare-and-swap on the old ciphertext, so replicas do not race).
   */
  private async reseal(items: Array<{ id: string; old: string; plaintext: string }>): Promise<void> {
    let done = 0;
    for (const it of items) {
      try {
        const r = await this.prisma.deployment.updateMany({
          where: { id: it.id, apiKeyEnc: it.old },
          data: { apiKeyEnc: this.box.seal(it.plaintext) },
        });
        done += r.count;
      } catch (err) {
        this.logger.warn(
          { deployment_id: it.id, err: err instanceof Error ? err.message : String(err) },
          'could not re-encrypt a credential',
        );
      }
    }
    if (done) this.logger.info({ count: done }, 'credentials re-encrypted with the current encryption key');
  }

  private toDeployment(
    d: {
      id: string;
      modelName: string;
      provider: string;
      upstreamModel: string;
      baseUrl: string | null;
      apiKeyEnc: string | null;
      weight: number;
      priority: number;
      rpmLimit: number | null;
      tpmLimit: number | null;
      connectTimeoutMs: number;
      timeoutMs: number;
      streamIdleTimeoutMs: number;
      enabled: boolean;
      settings: unknown;
    },
    reseal: Array<{ id: string; old: string; plaintext: string }>,
  ): CatalogDeployment {
    let apiKey: string | undefined;
    let enabled = d.enabled;
    if (d.apiKeyEnc) {
      try {
        const opened = this.box.open(d.apiKeyEnc);
        apiKey = opened.plaintext;
        if (opened.needsReseal) reseal.push({ id: d.id, old: d.apiKeyEnc, plaintext: opened.plaintext });
      } catch {
        // Sealed with a key we do not have: never route to it (and never log the value).
        enabled = false;
        this.logger.error(
          { deployment_id: d.id },
          'deployment credential cannot be decrypted with the configured encryption keys; deployment disabled',
        );
      }
    }
    return {
      id: d.id,
      modelName: d.modelName,
      provider: d.provider as ProviderId,
      upstreamModel: d.upstreamModel,
      baseUrl: d.baseUrl ?? undefined,
      apiKey,
      weight: d.weight,
      priority: d.priority,
      rpmLimit: d.rpmLimit ?? undefined,
      tpmLimit: d.tpmLimit ?? undefined,
      connectTimeoutMs: d.connectTimeoutMs,
      timeoutMs: d.timeoutMs,
      streamIdleTimeoutMs: d.streamIdleTimeoutMs,
      enabled,
      settings: (d.settings ?? {}) as Record<string, unknown>,
    };
  }
}
