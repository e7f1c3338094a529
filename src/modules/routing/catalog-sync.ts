import type { ModelConfig } from '../../config/config.types';
import type { SecretBox } from '../../common/crypto/secret-box';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';

/** Advisory-lock id for catalog sync: replicas booting together sync one at a time. */
const SYNC_LOCK = 727_001;

export const DEMO_MODEL = 'demo';

/**
 * Writes the YAML catalog into Postgres (`source: config`), removes config deployments no longer in
 * the file, and seeds the `demo` model on the mock provider when it does not exist.
 */
export async function syncCatalog(
  prisma: PrismaClient,
  models: ModelConfig[],
  box: SecretBox,
): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SYNC_LOCK})`);
      const keep: string[] = [];
      for (const m of models) {
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
        for (const [i, d] of m.deployments.entries()) {
          const configKey = `config:${m.modelName}#${i}`;
          keep.push(configKey);
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
      }
      await tx.deployment.deleteMany({ where: { source: 'config', configKey: { notIn: keep } } });
      const demo = await tx.model.findUnique({ where: { name: DEMO_MODEL } });
      if (!demo) {
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
    },
    { timeout: 30_000 },
  );
}
