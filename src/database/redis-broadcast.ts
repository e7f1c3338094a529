import type { Logger } from '../common/logging/logger';
import type { RedisService } from './redis.service';

/**
 * JSON messages to every replica over one Redis pub/sub channel (under the app's prefix). The
 * sender applies its own message locally; a lost message is the listeners' staleness to bound.
 */
export class RedisBroadcast<T> {
  private readonly channel: string;

  constructor(
    private readonly redis: RedisService,
    name: string,
    private readonly logger: Logger,
  ) {
    this.channel = redis.key(name);
  }

  /** Calls `receive` with each message of the channel, `undefined` for one that is not JSON. */
  async listen(receive: (message: T | undefined) => void): Promise<void> {
    this.redis.subscriber.on('message', (ch: string, text: string) => {
      if (ch !== this.channel) return;
      let message: T | undefined;
      try {
        message = JSON.parse(text) as T;
      } catch {
        message = undefined;
      }
      receive(message);
    });
    await this.redis.subscriber.subscribe(this.channel);
  }

  /** Sends to the other replicas; a Redis failure is logged (`lost` says what that costs). */
  async send(message: T, lost: string): Promise<void> {
    try {
      await this.redis.client.publish(this.channel, JSON.stringify(message));
    } catch (err) {
      this.logger.error({ err: String(err) }, `could not publish on ${this.channel}; ${lost}`);
    }
  }
}
