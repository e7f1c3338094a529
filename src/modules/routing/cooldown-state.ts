/**
 * The local view of cluster-wide cooldowns: deployment id → cooldown end (epoch ms). After the end
 * the deployment is "half-open" for one failure window: traffic is let through as probes, and a
 * single failure re-opens the breaker at once; a success closes it. Pure (time is passed in).
 */
export class CooldownState {
  private readonly until = new Map<string, number>();

  constructor(private readonly windowMs: () => number) {}

  isCooling(id: string, now: number): boolean {
    const u = this.until.get(id);
    return u !== undefined && u > now;
  }

  /** Past its cooldown but not yet proven healthy. */
  isHalfOpen(id: string, now: number): boolean {
    const u = this.until.get(id);
    return u !== undefined && u <= now && now < u + this.windowMs();
  }

  set(id: string, untilMs: number): void {
    const cur = this.until.get(id);
    if (cur === undefined || untilMs > cur) this.until.set(id, untilMs);
  }

  clear(id: string): boolean {
    return this.until.delete(id);
  }

  /** Replaces the view with a snapshot from Redis, keeping newer local entries. */
  merge(snapshot: Map<string, number>, now: number): void {
    for (const [id, u] of snapshot) this.set(id, u);
    for (const [id, u] of this.until) if (u + this.windowMs() < now) this.until.delete(id);
  }

  entries(): Array<[string, number]> {
    return [...this.until.entries()];
  }
}
