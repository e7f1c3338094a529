import type { ModelConfig } from '../../config/config.types';
import type { SecretBox } from '../../common/crypto/secret-box';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { AuditEntry } from '../audit/audit-log.service';
import { toDeploymentWire } from './admin/deployment-wire';

/** Advisory-lock id for catalog sync: replicas booting together sync one at a time. */
const SYNC_LOCK = 727_001;

export const DEMO_MODEL = 'demo';

export interface CatalogSyncOptions {
  /** Seed the `demo` model (unless an admin deleted it); false removes a seeded one. */
  demoModel: boolean;
  /** Writes one audit row inside the sync's transaction. */
  audit: (tx: Prisma.TransactionClient, entry: AuditEntry) => Promise<void>;
}

type Tx = Prisma.TransactionClient;

/**
 * Writes the YAML catalog into Postgres (`source: config`), removes what left the file (config
 * deployments, and config models, so their names answer 404), and seeds the `demo` model on the
 * mock provider. Every removal is audited.
 */
export async function syncCatalog(
  prisma: PrismaClient,
  models: ModelConfig[],
  box: SecretBox,
  opts: CatalogSyncOptions,
): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SYNC_LOCK})`);
      const keep: string[] = [];
      for (const m of models) keep.push(...(await upsertModel(tx, m, box)));
      await removeConfigDeployments(tx, keep, opts);
      await removeConfigModels(
        tx,
        models.map((m) => m.modelName),
        opts,
      );
      if (opts.demoModel) await seedDemoModel(tx);
      else await removeDemoModel(tx, opts);
    },
    { timeout: 30_000 },
  );
}

/** Upserts one YAML model and its deployments; returns their config keys. */
async function upsertModel(tx: Tx, m: ModelConfig, box: SecretBox): Promise<string[]> {
  const modelData = {
    source: 'config',
    pricing: (m.pricing ?? {}) as Prisma.InputJsonValue,
    fallbacks: m.fallbacks,
    contextWindowFallbacks: m.contextWindowFallbacks,
    contentPolicyFallbacks: m.contentPolicyFallbacks,
    aliases: m.aliases,
    settings: m.settings as Prisma.InputJsonValue,
  };
  await tx.model.upsert({
    where: { name: m.modelName },
    create: { name: m.modelName, ...modelData },
    update: modelData,
  });
  const keys: string[] = [];
  for (const [i, d] of m.deployments.entries()) {
    const configKey = `config:${m.modelName}#${i}`;
    keys.push(configKey);
    const data = {
      modelName: m.modelName,
      provider: d.provider,
      upstreamModel: d.upstreamModel,
      baseUrl: d.baseUrl ?? null,
      apiKeyEnc: d.apiKey ? box.seal(d.apiKey) : null,
      weight: d.weight,
      priority: d.priority,
      rpmLimit: d.rpmLimit ?? null,
      tpmLimit: d.tpmLimit ?? null,
      connectTimeoutMs: d.connectTimeoutMs,
      timeoutMs: d.timeoutMs,
      streamIdleTimeoutMs: d.streamIdleTimeoutMs,
      enabled: d.enabled,
      source: 'config',
      settings: d.settings as Prisma.InputJsonValue,
    };
    await tx.deployment.upsert({ where: { configKey }, create: { configKey, ...data }, update: data });
  }
  return keys;
}

async function removeConfigDeployments(tx: Tx, keep: string[], opts: CatalogSyncOptions): Promise<void> {
  const gone = await tx.deployment.findMany({ where: { source: 'config', configKey: { notIn: keep } } });
  if (!gone.length) return;
  await tx.deployment.deleteMany({ where: { id: { in: gone.map((d) => d.id) } } });
  for (const d of gone) {
    await opts.audit(tx, {
      action: 'deployment.delete',
      targetType: 'deployment',
      targetId: d.id,
      before: toDeploymentWire(d),
    });
  }
}

/**
 * Config models no longer in the file are removed. One an admin has since given deployments of its
 * own is kept, as an API model (`source: api`), with those deployments.
 */
async function removeConfigModels(tx: Tx, inFile: string[], opts: CatalogSyncOptions): Promise<void> {
  const gone = await tx.model.findMany({
    where: { source: 'config', name: { notIn: inFile } },
    include: { deployments: true },
  });
  for (const m of gone) {
    if (m.deployments.length) {
      await tx.model.update({ where: { name: m.name }, data: { source: 'api' } });
      await opts.audit(tx, {
        action: 'model.update',
        targetType: 'model',
        targetId: m.name,
        before: { source: 'config' },
        after: { source: 'api' },
      });
      continue;
    }
    await tx.model.delete({ where: { name: m.name } });
    await opts.audit(tx, {
      action: 'model.delete',
      targetType: 'model',
      targetId: m.name,
      before: modelSummary(m),
    });
  }
}

/** Seeds `demo` unless it exists or an admin deleted it (a `deleted_seed_models` row). */
async function seedDemoModel(tx: Tx): Promise<void> {
  const [demo, deleted] = await Promise.all([
    tx.model.findUnique({ where: { name: DEMO_MODEL }, select: { name: true } }),
    tx.deletedSeedModel.findUnique({ where: { name: DEMO_MODEL } }),
  ]);
  if (demo || deleted) return;
  await tx.model.create({
    data: { name: DEMO_MODEL, source: 'seed', pricing: { input_per_mtok: '0', output_per_mtok: '0' } },
  });
  await tx.deployment.create({
    data: {
      modelName: DEMO_MODEL,
      provider: 'mock',
      upstreamModel: 'mock-1',
      source: 'seed',
      configKey: 'seed:demo',
    },
  });
}

/** SWITCHBOARD_DEMO_MODEL=false: a seeded `demo` goes (one an admin re-created through the API stays). */
async function removeDemoModel(tx: Tx, opts: CatalogSyncOptions): Promise<void> {
  const demo = await tx.model.findUnique({ where: { name: DEMO_MODEL }, include: { deployments: true } });
  if (demo?.source !== 'seed') return;
  await tx.model.delete({ where: { name: DEMO_MODEL } });
  await opts.audit(tx, {
    action: 'model.delete',
    targetType: 'model',
    targetId: DEMO_MODEL,
    before: modelSummary(demo),
  });
}

/** What the audit keeps of a removed model (its deployments without credentials). */
function modelSummary(m: Prisma.ModelGetPayload<{ include: { deployments: true } }>): object {
  return {
    name: m.name,
    source: m.source,
    aliases: m.aliases,
    fallbacks: m.fallbacks,
    pricing_overrides: m.pricing,
    deployments: m.deployments.map(toDeploymentWire),
  };
}
