import type { ProviderId } from '../providers/core/adapter';

export type SwitchboardRole = 'api' | 'worker' | 'all';
export type RouterStrategy = 'weighted' | 'least-busy' | 'lowest-latency' | 'usage-based';

/**
 * The long-context tier (contract `long_context`): the prices of a request whose prompt exceeds
 * `threshold_tokens`. `output_per_mtok` defaults to the base output price, `cached_input_per_mtok`
 * to this tier's `input_per_mtok`.
 */
export type LongContextPricing = {
  threshold_tokens: string;
  input_per_mtok: string;
  output_per_mtok?: string;
  cached_input_per_mtok?: string;
};

export interface PricingInput {
  long_context?: LongContextPricing;
  [field: string]: string | Record<string, string> | undefined;
}

export interface DeploymentConfig {
  provider: ProviderId;
  upstreamModel: string;
  apiKey?: string;
  baseUrl?: string;
  weight: number;
  priority: number;
  rpmLimit?: number;
  tpmLimit?: number;
  connectTimeoutMs: number;
  timeoutMs: number;
  streamIdleTimeoutMs: number;
  enabled: boolean;
  settings: Record<string, unknown>;
}

export interface ModelConfig {
  modelName: string;
  deployments: DeploymentConfig[];
  pricing?: PricingInput;
  fallbacks: string[];
  contextWindowFallbacks: string[];
  contentPolicyFallbacks: string[];
  aliases: string[];
  settings: Record<string, unknown>;
}

export interface RouterConfig {
  strategy: RouterStrategy;
  retries: number;
  cooldown: { failures: number; windowSeconds: number; cooldownSeconds: number };
}

/** Video task polling (contract §5). */
export interface VideoTaskSettings {
  /** SWITCHBOARD_VIDEO_POLL_MS: the first poll's delay, doubled after each poll (default 2,000). */
  firstPollMs: number;
  /** SWITCHBOARD_VIDEO_POLL_MAX_MS: the longest gap between two polls (default 30,000). */
  maxPollMs: number;
  /** SWITCHBOARD_VIDEO_MAX_AGE_SECONDS: a task still running after this fails with task_timeout (default 7,200). */
  maxAgeSeconds: number;
  /** SWITCHBOARD_VIDEO_WORKER_CONCURRENCY: polls one worker runs at once (default 50). */
  concurrency: number;
  /** SWITCHBOARD_VIDEO_RECOVERY_MS: how often a worker looks for tasks whose job was lost (default 15,000). */
  recoveryMs: number;
}

export interface RedisSentinelSettings {
  sentinels: Array<{ host: string; port: number }>;
  /** The master name the sentinels monitor. */
  name: string;
  /** The sentinels' own password (requirepass on the sentinels), if any. */
  password?: string;
}

export interface AppConfig {
  nodeEnv: string | undefined;
  production: boolean;
  databaseUrl: string;
  /** DATABASE_READ_URL: a read replica that serves reports (usage, audit log, video task list); undefined: the primary. */
  databaseReadUrl: string | undefined;
  redisUrl: string;
  /**
   * REDIS_SENTINELS / REDIS_SENTINEL_NAME / REDIS_SENTINEL_PASSWORD: reach the primary through
   * Sentinel (REDIS_URL then gives only credentials, database and TLS). Undefined: the single node of
   * REDIS_URL.
   */
  redisSentinel?: RedisSentinelSettings;
  /** Undefined until bootstrap resolves (generated outside production). */
  masterKey: string | undefined;
  encryptionKey: Buffer | undefined;
  encryptionKeyPrevious: Buffer | undefined;
  configFile: string | undefined;
  port: number;
  role: SwitchboardRole;
  publicUrl: string | undefined;
  maxBodyBytes: number;
  allowPrivateUrls: boolean;
  limitsOnRedisFailure: 'open' | 'closed';
  /** SWITCHBOARD_METERING=off: benchmark/diagnostic switch, skips rate limits, budgets and usage records (default on). */
  metering: boolean;
  /** SWITCHBOARD_DEMO_MODEL=false: the `demo` model on the mock provider is not seeded (and a seeded one is removed at boot). */
  demoModel: boolean;
  logLevel: string;
  /** Key prefix for every Redis key and BullMQ queue (tests isolate runs with it). */
  redisPrefix: string;
  video: VideoTaskSettings;
  /** SWITCHBOARD_RESPONSES_RETENTION_DAYS: days a stored Responses answer is kept (default 30). */
  responsesRetentionDays: number;
  /** SWITCHBOARD_USAGE_RETENTION_DAYS: usage partitions older than this are dropped (0: kept forever, the default). */
  usageRetentionDays: number;
  /**
   * SWITCHBOARD_SHUTDOWN_GRACE_MS: from SIGTERM to exit (default 30,000). Requests in flight run on
   * until the grace less a reserve for flushing usage (a fifth of it, at most 5 s), then are cut.
   */
  shutdownGraceMs: number;
  models: ModelConfig[];
  router: RouterConfig;
  /** Keys of a LiteLLM-format YAML file Switchboard does not use, by path (logged at boot). */
  ignoredYamlKeys?: string[];
}

export const DEFAULT_ROUTER: RouterConfig = {
  strategy: 'weighted',
  retries: 2,
  cooldown: { failures: 3, windowSeconds: 60, cooldownSeconds: 30 },
};

export const DEPLOYMENT_DEFAULTS = {
  weight: 1,
  priority: 0,
  connectTimeoutMs: 5_000,
  timeoutMs: 120_000,
  streamIdleTimeoutMs: 60_000,
};
