import type { DeploymentStats } from './strategies/types';

/** Weight of the newest sample in the latency moving average. */
export const LATENCY_ALPHA = 0.3;

interface Live {
  inFlight: number;
  latencyMs?: number;
  samples: number;
}

/**
 * Per-replica, in-process figures for `least-busy` and `lowest-latency`: requests in flight and a
 * moving average of time to first byte (for a stream, the attempt ends at its first event). Not
 * shared across replicas on purpose: no I/O on the request path, and each replica balances what it sees.
 */
export class DeploymentStatsTable {
  private readonly live = new Map<string, Live>();

  private entry(id: string): Live {
    let e = this.live.get(id);
    if (!e) {
      e = { inFlight: 0, samples: 0 };
      this.live.set(id, e);
    }
    return e;
  }

  started(id: string): void {
    this.entry(id).inFlight++;
  }

  /** `latencyMs` undefined = no sample (the attempt failed before it said anything useful). */
  finished(id: string, latencyMs?: number): void {
    const e = this.entry(id);
    e.inFlight = Math.max(0, e.inFlight - 1);
    if (latencyMs !== undefined) {
      e.latencyMs =
        e.latencyMs === undefined ? latencyMs : LATENCY_ALPHA * latencyMs + (1 - LATENCY_ALPHA) * e.latencyMs;
      e.samples++;
    }
  }

  get(id: string): Pick<DeploymentStats, 'inFlight' | 'latencyMs' | 'samples'> {
    return this.live.get(id) ?? { inFlight: 0, samples: 0 };
  }
}
