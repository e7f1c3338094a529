import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `fn` until it answers something truthy; throws after `ms`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}
