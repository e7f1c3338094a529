import { ConfigError } from './config-error';
import type { AppConfig, SwitchboardRole } from './config.types';
import { loadRedisSentinel } from './redis-sentinel-env';

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(name, `must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

/**
 * SWITCHBOARD_USAGE_RETENTION_DAYS: unset or 0 keeps every usage record. At least 31 days otherwise, so
 * that a budget period (at most a month) never reaches into a dropped partition.
 */
function usageRetentionDays(env: Env): number {
  const days = intVar(env, 'SWITCHBOARD_USAGE_RETENTION_DAYS', 0, 0);
  if (days !== 0 && days < 31)
    throw new ConfigError(
      'SWITCHBOARD_USAGE_RETENTION_DAYS',
      `must be 0 (off) or at least 31, got "${days}"`,
    );
  return days;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function keyVar(env: Env, name: string): Buffer | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const buf = Buffer.from(raw, 'base64');
  if (buf.length !== 32)
    throw new ConfigError(name, `must be 32 bytes encoded as base64 (got ${buf.length} bytes)`);
  return buf;
}

function urlVar(
  env: Env,
  name: string,
  fallback: string | undefined,
  protocols: string[],
): string | undefined {
  const raw = env[name] || fallback;
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
  return raw;
}

/** Reads and validates the environment (contract §1). Nothing else in the app reads `process.env`. */
export function loadEnv(env: Env): Omit<AppConfig, 'models' | 'router'> {
  const nodeEnv = env.NODE_ENV;
  const production = nodeEnv === 'production';
  const masterKey = env.SWITCHBOARD_MASTER_KEY || undefined;
  if (masterKey !== undefined && masterKey.length < 16)
    throw new ConfigError('SWITCHBOARD_MASTER_KEY', 'must be at least 16 characters');
  const encryptionKey = keyVar(env, 'SWITCHBOARD_ENCRYPTION_KEY');
  if (production && !masterKey)
    throw new ConfigError('SWITCHBOARD_MASTER_KEY', 'is required when NODE_ENV=production');
  if (production && !encryptionKey)
    throw new ConfigError('SWITCHBOARD_ENCRYPTION_KEY', 'is required when NODE_ENV=production');
  const metering = boolVar(env, 'SWITCHBOARD_METERING', true);
  if (production && !metering)
    throw new ConfigError(
      'SWITCHBOARD_METERING',
      'cannot be off when NODE_ENV=production (it skips limits, budgets and usage records)',
    );
  return {
    nodeEnv,
    production,
    databaseUrl: urlVar(env, 'DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/switchboard', [
      'postgresql:',
      'postgres:',
    ])!,
    databaseReadUrl: urlVar(env, 'DATABASE_READ_URL', undefined, ['postgresql:', 'postgres:']),
    redisUrl: urlVar(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:'])!,
    redisSentinel: loadRedisSentinel(env),
    masterKey,
    encryptionKey,
    encryptionKeyPrevious: keyVar(env, 'SWITCHBOARD_ENCRYPTION_KEY_PREVIOUS'),
    configFile: env.SWITCHBOARD_CONFIG || undefined,
    port: intVar(env, 'PORT', 4000, 0),
    role: oneOf<SwitchboardRole>(env, 'SWITCHBOARD_ROLE', ['api', 'worker', 'all'], 'all'),
    publicUrl: urlVar(env, 'SWITCHBOARD_PUBLIC_URL', undefined, ['http:', 'https:']),
    maxBodyBytes: intVar(env, 'SWITCHBOARD_MAX_BODY_BYTES', 33_554_432, 1024),
    allowPrivateUrls: boolVar(env, 'SWITCHBOARD_ALLOW_PRIVATE_URLS', false),
    limitsOnRedisFailure: oneOf(
      env,
      'SWITCHBOARD_LIMITS_ON_REDIS_FAILURE',
      ['open', 'closed'] as const,
      'open',
    ),
    metering,
    demoModel: boolVar(env, 'SWITCHBOARD_DEMO_MODEL', true),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const,
      'info',
    ),
    redisPrefix: env.SWITCHBOARD_REDIS_PREFIX || 'sb',
    video: {
      firstPollMs: intVar(env, 'SWITCHBOARD_VIDEO_POLL_MS', 2_000, 10),
      maxPollMs: intVar(env, 'SWITCHBOARD_VIDEO_POLL_MAX_MS', 30_000, 10),
      maxAgeSeconds: intVar(env, 'SWITCHBOARD_VIDEO_MAX_AGE_SECONDS', 7_200, 1),
      concurrency: intVar(env, 'SWITCHBOARD_VIDEO_WORKER_CONCURRENCY', 50, 1),
      recoveryMs: intVar(env, 'SWITCHBOARD_VIDEO_RECOVERY_MS', 15_000, 100),
    },
    responsesRetentionDays: intVar(env, 'SWITCHBOARD_RESPONSES_RETENTION_DAYS', 30, 1),
    usageRetentionDays: usageRetentionDays(env),
    shutdownGraceMs: intVar(env, 'SWITCHBOARD_SHUTDOWN_GRACE_MS', 30_000, 100),
  };
}
