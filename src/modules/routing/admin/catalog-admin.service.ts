import { Inject, Injectable } from '@nestjs/common';
import { GatewayError, invalidRequest } from '../../../common/errors/gateway-error';
import { SecretBox } from '../../../common/crypto/secret-box';
import { decodeCursor, encodeCursor, pageLimit, type Page } from '../../../common/http/cursor-page';
import { LOGGER } from '../../../common/logging/logger.module';
import type { Logger } from '../../../common/logging/logger';
import type { LongContextPricing, RouterConfig } from '../../../config/config.types';
import { PrismaService } from '../../../database/prisma.service';
import type { Prisma } from '../../../generated/prisma/client';
import { AuditLogService } from '../../audit/audit-log.service';
import type { Actor } from '../../auth/request-identity';
import { moneyText } from '../../../common/validation/money-text';
import { effectivePricing } from '../../usage/pricing/price-table';
import { CatalogService } from '../catalog.service';
import { DEMO_MODEL } from '../catalog-sync';
import {
  parseStoredRouter,
  toRouterWire,
  type RouterSettingsWire,
  type StoredRouterSettings,
} from '../router-settings';
import type {
  AliasesDto,
  CreateDeploymentDto,
  FallbacksDto,
  ListDeploymentsQuery,
  ListModelsQuery,
  LongContextPricingDto,
  PricingDto,
  RouterSettingsDto,
  UpdateDeploymentDto,
} from './catalog-admin.dto';
import { toDeploymentWire, type DeploymentWire } from './deployment-wire';

export type { DeploymentWire } from './deployment-wire';

type DeploymentRow = Prisma.DeploymentGetPayload<object>;
type ModelRow = Prisma.ModelGetPayload<{ include: { deployments: true } }>;

export interface ModelWire {
  name: string;
  source: string;
  wildcard: boolean;
  aliases: string[];
  fallbacks: string[];
  context_window_fallbacks: string[];
  content_policy_fallbacks: string[];
  /** Effective prices: the shipped table with the overrides merged over it. */
  pricing: Record<string, unknown>;
  /** What the catalog stores (YAML `pricing:` and `PUT …/pricing`). */
  pricing_overrides: Record<string, unknown>;
  settings: unknown;
  deployments: DeploymentWire[];
  created_at: string;
  updated_at: string;
}

/**
 * Admin writes to the catalog (Postgres), each followed by a catalog-changed broadcast so every replica
 * reloads its in-memory copy. Credentials are sealed with AES-256-GCM before they reach the database.
 */
@Injectable()
export class CatalogAdminService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly catalog: CatalogService,
    private readonly box: SecretBox,
    private readonly audit: AuditLogService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // ---- deployments ----

  async createDeployment(dto: CreateDeploymentDto, actor: Actor): Promise<DeploymentWire> {
    const wildcard = dto.model_name.endsWith('/*');
    if (!dto.upstream_model && !wildcard)
      throw invalidRequest(
        'upstream_model is required (except for wildcard models ending in /*)',
        'upstream_model',
      );
    const row = await this.prisma.$transaction(async (tx) => {
      await this.ensureModel(tx, dto.model_name);
      const created = await tx.deployment.create({
        data: {
          modelName: dto.model_name,
          provider: dto.provider,
          upstreamModel: dto.upstream_model ?? '*',
          baseUrl: dto.base_url ?? null,
          apiKeyEnc: dto.api_key ? this.box.seal(dto.api_key) : null,
          weight: dto.weight ?? 1,
          priority: dto.priority ?? 0,
          rpmLimit: dto.rpm_limit ?? null,
          tpmLimit: dto.tpm_limit ?? null,
          connectTimeoutMs: dto.connect_timeout_ms ?? 5_000,
          timeoutMs: dto.timeout_ms ?? 120_000,
          streamIdleTimeoutMs: dto.stream_idle_timeout_ms ?? 60_000,
          enabled: dto.enabled ?? true,
          source: 'api',
          settings: (dto.settings ?? {}) as Prisma.InputJsonValue,
        },
      });
      await this.audit.record(tx, actor, {
        action: 'deployment.create',
        targetType: 'deployment',
        targetId: created.id,
        after: toDeploymentWire(created),
      });
      return created;
    });
    await this.changed('deployment.create', row.id);
    return toDeploymentWire(row);
  }

  async listDeployments(q: ListDeploymentsQuery): Promise<Page<DeploymentWire>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, isDeploymentCursor);
    const rows = await this.prisma.deployment.findMany({
      where: {
        ...(q.model_name ? { modelName: q.model_name } : {}),
        ...(after
          ? {
              OR: [
                { createdAt: { gt: new Date(after.t) } },
                { createdAt: new Date(after.t), id: { gt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(toDeploymentWire),
      next_cursor:
        rows.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  async getDeployment(id: string): Promise<DeploymentWire> {
    return toDeploymentWire(await this.findDeployment(id));
  }

  async updateDeployment(id: string, dto: UpdateDeploymentDto, actor: Actor): Promise<DeploymentWire> {
    const current = await this.findDeployment(id);
    const data: Prisma.DeploymentUncheckedUpdateInput = {};
    if (dto.model_name !== undefined) data.modelName = dto.model_name;
    if (dto.provider !== undefined) data.provider = dto.provider;
    if (dto.upstream_model !== undefined) data.upstreamModel = dto.upstream_model;
    if (dto.base_url !== undefined) data.baseUrl = dto.base_url;
    if (dto.api_key !== undefined) data.apiKeyEnc = dto.api_key ? this.box.seal(dto.api_key) : null;
    if (dto.weight !== undefined) data.weight = dto.weight;
    if (dto.priority !== undefined) data.priority = dto.priority;
    if (dto.rpm_limit !== undefined) data.rpmLimit = dto.rpm_limit;
    if (dto.tpm_limit !== undefined) data.tpmLimit = dto.tpm_limit;
    if (dto.connect_timeout_ms !== undefined) data.connectTimeoutMs = dto.connect_timeout_ms;
    if (dto.timeout_ms !== undefined) data.timeoutMs = dto.timeout_ms;
    if (dto.stream_idle_timeout_ms !== undefined) data.streamIdleTimeoutMs = dto.stream_idle_timeout_ms;
    if (dto.enabled !== undefined) data.enabled = dto.enabled;
    if (dto.settings !== undefined) data.settings = dto.settings as Prisma.InputJsonValue;
    const row = await this.prisma.$transaction(async (tx) => {
      if (dto.model_name !== undefined && dto.model_name !== current.modelName)
        await this.ensureModel(tx, dto.model_name);
      const updated = await tx.deployment.update({ where: { id }, data });
      await this.audit.record(tx, actor, {
        action: 'deployment.update',
        targetType: 'deployment',
        targetId: id,
        before: toDeploymentWire(current),
        after: toDeploymentWire(updated),
      });
      return updated;
    });
    await this.changed('deployment.update', id);
    return toDeploymentWire(row);
  }

  async deleteDeployment(id: string, actor: Actor): Promise<void> {
    const current = await this.findDeployment(id);
    await this.refuseWhileVideoTasksLive([id]);
    await this.prisma.$transaction(async (tx) => {
      await tx.deployment.delete({ where: { id } });
      await this.audit.record(tx, actor, {
        action: 'deployment.delete',
        targetType: 'deployment',
        targetId: id,
        before: toDeploymentWire(current),
      });
    });
    await this.changed('deployment.delete', id);
  }

  /**
   * A video task is polled, downloaded and remixed through the deployment that created it: while any is
   * queued or running, its deployment can be disabled (no new calls) but not deleted.
   */
  private async refuseWhileVideoTasksLive(deploymentIds: string[]): Promise<void> {
    const live = await this.prisma.videoTask.count({
      where: { deploymentId: { in: deploymentIds }, status: { in: ['queued', 'in_progress'] } },
    });
    if (live > 0)
      throw new GatewayError(
        'conflict',
        `${live} video task(s) in progress use this deployment; disable it (enabled: false) and delete it once they end`,
      );
  }

  // ---- models ----

  async listModels(q: ListModelsQuery): Promise<Page<ModelWire>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, (v): v is string => typeof v === 'string');
    const rows = await this.prisma.model.findMany({
      where: after ? { name: { gt: after } } : {},
      include: { deployments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
      orderBy: { name: 'asc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      data: page.map(toModelWire),
      next_cursor: rows.length > limit && page.length ? encodeCursor(page.at(-1)!.name) : null,
    };
  }

  async getModel(name: string): Promise<ModelWire> {
    return toModelWire(await this.findModel(name));
  }

  /**
   * Deletes a model with its deployments (its aliases go with it). A YAML model is refused: the file
   * owns it. A deleted `demo` is remembered, so the boot sync does not seed it again.
   */
  async deleteModel(name: string, actor: Actor): Promise<void> {
    const model = await this.findModel(name);
    if (model.source === 'config')
      throw invalidRequest(
        `Model '${name}' is declared in the YAML file: remove it from the file (it goes at the next boot)`,
      );
    await this.refuseWhileVideoTasksLive(model.deployments.map((d) => d.id));
    await this.prisma.$transaction(async (tx) => {
      await tx.model.delete({ where: { name } });
      if (name === DEMO_MODEL)
        await tx.deletedSeedModel.upsert({ where: { name }, create: { name }, update: {} });
      await this.audit.record(tx, actor, {
        action: 'model.delete',
        targetType: 'model',
        targetId: name,
        before: toModelWire(model),
      });
    });
    await this.changed('model.delete', name);
  }

  async setPricing(name: string, dto: PricingDto, actor: Actor): Promise<ModelWire> {
    const model = await this.findModel(name);
    const merged: Record<string, unknown> = { ...((model.pricing ?? {}) as Record<string, unknown>) };
    for (const [k, v] of Object.entries(dto)) {
      if (v === undefined) continue;
      if (v === null) delete merged[k];
      else if (k === 'per_video_second_by_resolution') merged[k] = moneyMap(v as Record<string, unknown>, k);
      else if (k === 'long_context') merged[k] = longContextOf(v as LongContextPricingDto);
      else merged[k] = moneyText(v) ?? String(v);
    }
    await this.prisma.$transaction(async (tx) => {
      await tx.model.update({ where: { name }, data: { pricing: merged as Prisma.InputJsonValue } });
      await this.audit.record(tx, actor, {
        action: 'model.pricing',
        targetType: 'model',
        targetId: name,
        before: { pricing: model.pricing },
        after: { pricing: merged },
      });
    });
    await this.changed('model.pricing', name);
    return this.getModel(name);
  }

  async setFallbacks(name: string, dto: FallbacksDto, actor: Actor): Promise<ModelWire> {
    const model = await this.findModel(name);
    const fields: Array<
      [keyof FallbacksDto, 'fallbacks' | 'contextWindowFallbacks' | 'contentPolicyFallbacks']
    > = [
      ['fallbacks', 'fallbacks'],
      ['context_window_fallbacks', 'contextWindowFallbacks'],
      ['content_policy_fallbacks', 'contentPolicyFallbacks'],
    ];
    const data: Prisma.ModelUpdateInput = {};
    for (const [wire, column] of fields) {
      const list = dto[wire];
      if (list === undefined) continue;
      list.forEach((target, i) => {
        if (target === name)
          throw invalidRequest(`${wire}[${i}]: a model cannot fall back to itself`, `${wire}[${i}]`);
        if (!this.catalog.resolve(target))
          throw invalidRequest(`${wire}[${i}]: unknown model '${target}'`, `${wire}[${i}]`);
      });
      data[column] = [...new Set(list)];
    }
    await this.prisma.$transaction(async (tx) => {
      const after = await tx.model.update({ where: { name }, data });
      await this.audit.record(tx, actor, {
        action: 'model.fallbacks',
        targetType: 'model',
        targetId: name,
        before: fallbacksView(model),
        after: fallbacksView(after),
      });
    });
    await this.changed('model.fallbacks', name);
    return this.getModel(name);
  }

  async setAliases(name: string, dto: AliasesDto, actor: Actor): Promise<ModelWire> {
    const model = await this.findModel(name);
    const aliases = [...new Set(dto.aliases)];
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(727003)');
      for (const [i, alias] of aliases.entries()) {
        if (alias === name)
          throw invalidRequest(`aliases[${i}]: '${alias}' is the model's own name`, `aliases[${i}]`);
        if (await tx.model.findUnique({ where: { name: alias }, select: { name: true } })) {
          throw invalidRequest(`aliases[${i}]: '${alias}' is already a model name`, `aliases[${i}]`);
        }
        const owner = await tx.model.findFirst({
          where: { aliases: { has: alias }, name: { not: name } },
          select: { name: true },
        });
        if (owner)
          throw invalidRequest(
            `aliases[${i}]: '${alias}' is already an alias of '${owner.name}'`,
            `aliases[${i}]`,
          );
      }
      await tx.model.update({ where: { name }, data: { aliases } });
      await this.audit.record(tx, actor, {
        action: 'model.aliases',
        targetType: 'model',
        targetId: name,
        before: { aliases: model.aliases },
        after: { aliases },
      });
    });
    await this.changed('model.aliases', name);
    return this.getModel(name);
  }

  // ---- router settings ----

  getRouter(): RouterSettingsWire {
    return toRouterWire(this.catalog.routerSettings);
  }

  async putRouter(dto: RouterSettingsDto, actor: Actor): Promise<RouterSettingsWire> {
    const next = await this.prisma.$transaction(async (tx) => {
      const row = await tx.routerSettings.findUnique({ where: { id: 1 } });
      const stored = parseStoredRouter(row?.settings);
      const cur: RouterConfig = stored?.effective ?? this.catalog.routerSettings;
      const effective: RouterConfig = {
        strategy: dto.strategy ?? cur.strategy,
        retries: dto.retries ?? cur.retries,
        cooldown: {
          failures: dto.cooldown?.failures ?? cur.cooldown.failures,
          windowSeconds: dto.cooldown?.window_seconds ?? cur.cooldown.windowSeconds,
          cooldownSeconds: dto.cooldown?.cooldown_seconds ?? cur.cooldown.cooldownSeconds,
        },
      };
      const value: StoredRouterSettings = { effective, config: stored?.config ?? cur, source: 'api' };
      const settings = value as unknown as Prisma.InputJsonValue;
      await tx.routerSettings.upsert({ where: { id: 1 }, create: { id: 1, settings }, update: { settings } });
      await this.audit.record(tx, actor, {
        action: 'router.update',
        targetType: 'router',
        targetId: 'router',
        before: toRouterWire(cur),
        after: toRouterWire(effective),
      });
      return effective;
    });
    await this.changed('router.update', 'router');
    return toRouterWire(next);
  }

  // ---- helpers ----

  private async ensureModel(tx: Prisma.TransactionClient, name: string): Promise<void> {
    const aliasOwner = await tx.model.findFirst({
      where: { aliases: { has: name } },
      select: { name: true },
    });
    if (aliasOwner)
      throw invalidRequest(`model_name '${name}' is an alias of '${aliasOwner.name}'`, 'model_name');
    await tx.model.upsert({ where: { name }, create: { name, source: 'api' }, update: {} });
  }

  private async findDeployment(id: string): Promise<DeploymentRow> {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.prisma.deployment.findUnique({ where: { id } })
      : null;
    if (!row) throw new GatewayError('not_found', `Deployment '${id}' not found`);
    return row;
  }

  private async findModel(name: string): Promise<ModelRow> {
    const row = await this.prisma.model.findUnique({
      where: { name },
      include: { deployments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    if (!row) throw new GatewayError('not_found', `Model '${name}' not found`);
    return row;
  }

  /** Every replica reloads its catalog (this one before the response). The audit row was written in the write's transaction. */
  private async changed(action: string, target: string): Promise<void> {
    this.logger.info({ action, target }, 'catalog changed');
    await this.catalog.publishChange();
  }
}

function fallbacksView(m: {
  fallbacks: string[];
  contextWindowFallbacks: string[];
  contentPolicyFallbacks: string[];
}): object {
  return {
    fallbacks: m.fallbacks,
    context_window_fallbacks: m.contextWindowFallbacks,
    content_policy_fallbacks: m.contentPolicyFallbacks,
  };
}

/** The validated tier as stored: the threshold as digits, prices as decimal text, absent rates left out. */
function longContextOf(dto: LongContextPricingDto): LongContextPricing {
  const out: LongContextPricing = {
    threshold_tokens: String(Number(dto.threshold_tokens)),
    input_per_mtok: moneyText(dto.input_per_mtok)!,
  };
  if (dto.output_per_mtok !== undefined) out.output_per_mtok = moneyText(dto.output_per_mtok);
  if (dto.cached_input_per_mtok !== undefined)
    out.cached_input_per_mtok = moneyText(dto.cached_input_per_mtok);
  return out;
}

function moneyMap(v: Record<string, unknown>, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, price] of Object.entries(v)) {
    const s = moneyText(price);
    if (s === undefined)
      throw invalidRequest(`${field}.${k} must be a non-negative decimal string`, `${field}.${k}`);
    out[k] = s;
  }
  return out;
}

function isDeploymentCursor(v: unknown): v is { t: string; id: string } {
  return (
    !!v &&
    typeof v === 'object' &&
    typeof (v as { t?: unknown }).t === 'string' &&
    typeof (v as { id?: unknown }).id === 'string' &&
    !Number.isNaN(Date.parse((v as { t: string }).t))
  );
}

function toModelWire(m: ModelRow): ModelWire {
  const overrides = (m.pricing ?? {}) as Record<string, unknown>;
  return {
    name: m.name,
    source: m.source,
    wildcard: m.name.endsWith('/*'),
    aliases: m.aliases,
    fallbacks: m.fallbacks,
    context_window_fallbacks: m.contextWindowFallbacks,
    content_policy_fallbacks: m.contentPolicyFallbacks,
    pricing: effectivePricing(
      overrides as Parameters<typeof effectivePricing>[0],
      m.deployments[0]?.upstreamModel,
      m.name,
    ),
    pricing_overrides: overrides,
    settings: m.settings,
    deployments: m.deployments.map(toDeploymentWire),
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}
