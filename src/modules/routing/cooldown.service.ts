import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { RedisService } from '../../database/redis.service';
import type { RouterConfig } from '../../config/config.types';
import { CooldownState } from './cooldown-state';

const CHANNEL = 'deployment-cooldown';
const REFRESH_MS = 5_000;

/**
 * Counts a failure; trips the breaker when the count within the window reaches the threshold, or at
 * once when the deployment is half-open. Returns the cooldown end (ms) or 0.
 * KEYS: failure counter, cooldown hash. ARGV: id, failures, windowMs, cooldownMs, nowMs, halfOpen.
 */
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if n >= tonumber(ARGV[2]) or ARGV[6] == '1' then
  local untilMs = tonumber(ARGV[5]) + tonumber(ARGV[4])
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], ARGV[1], untilMs)
  return untilMs
end
return 0
`;

/**
 * Cooldowns and circuit breaking, cluster-wide: failure counts live in Redis and are written only on
 * failures (rare); when a deployment trips, the end time goes into a Redis hash and is published, and
 * every replica caches it in memory. The request path reads only the local cache. A periodic refresh
 * (every 5 s) catches any missed message and clears old entries.
 */
@Injectable()
export class CooldownService implements OnModuleInit, OnModuleDestroy {
  private settings: RouterConfig['cooldown'] = { failures: 3, windowSeconds: 60, cooldownSeconds: 30 };
  readonly state = new CooldownState(() => this.settings.windowSeconds * 1000);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const channel = this.redis.key(CHANNEL);
    await this.redis.subscriber.subscribe(channel);
    this.redis.subscriber.on('message', (ch: string, msg: string) => {
      if (ch === channel) this.onMessage(msg);
    });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  configure(cooldown: RouterConfig['cooldown']): void {
    this.settings = cooldown;
  }

  isCooling(id: string, now = Date.now()): boolean {
    return this.state.isCooling(id, now);
  }

  /** Fire-and-forget from the request path; never throws. */
  async recordFailure(id: string, now = Date.now()): Promise<void> {
    const halfOpen = this.state.isHalfOpen(id, now);
    const { failures, windowSeconds, cooldownSeconds } = this.settings;
    try {
      const until = Number(
        await this.redis.client.eval(
          RECORD_FAILURE,
          2,
          this.redis.key('cooldown', 'fails', id),
          this.redis.key('cooldown', 'until'),
          id,
          failures,
          windowSeconds * 1000,
          cooldownSeconds * 1000,
          now,
          halfOpen ? '1' : '0',
        ),
      );
      if (until > 0) {
        this.state.set(id, until);
        this.logger.warn(
          { deployment_id: id, cooldown_seconds: cooldownSeconds, half_open: halfOpen },
          'deployment entered cooldown',
        );
        await this.redis.client.publish(this.redis.key(CHANNEL), `open:${id}:${until}`);
      }
    } catch (err) {
      this.logger.warn(
        { deployment_id: id, err: err instanceof Error ? err.message : String(err) },
        'cooldown: could not record a failure',
      );
    }
  }

  /** A success closes a half-open breaker (cluster-wide); otherwise it costs nothing. */
  async recordSuccess(id: string, now = Date.now()): Promise<void> {
    if (!this.state.isHalfOpen(id, now)) return;
    this.state.clear(id);
    try {
      await this.redis.client.hdel(this.redis.key('cooldown', 'until'), id);
      await this.redis.client.publish(this.redis.key(CHANNEL), `close:${id}`);
    } catch {
      /* the periodic refresh converges */
    }
  }

  private onMessage(msg: string): void {
    const [op, id, until] = msg.split(':');
    if (op === 'open' && id && until) this.state.set(id, Number(until));
    else if (op === 'close' && id) this.state.clear(id);
  }

  private async refresh(): Promise<void> {
    try {
      const raw = await this.redis.client.hgetall(this.redis.key('cooldown', 'until'));
      const now = Date.now();
      const snapshot = new Map(Object.entries(raw).map(([id, u]) => [id, Number(u)] as [string, number]));
      const stale = [...snapshot]
        .filter(([, u]) => u + this.settings.windowSeconds * 1000 < now)
        .map(([id]) => id);
      if (stale.length) await this.redis.client.hdel(this.redis.key('cooldown', 'until'), ...stale);
      this.state.merge(snapshot, now);
    } catch {
      /* Redis down: keep the local view */
    }
  }
}
