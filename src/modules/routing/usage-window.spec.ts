import { BUCKET_MS, UsageWindow, WINDOW_MS } from './usage-window';
import { CooldownState } from './cooldown-state';
import { DeploymentStatsTable, LATENCY_ALPHA } from './deployment-stats';
import { bootRouterSettings } from './router-settings';
import { DEFAULT_ROUTER } from '../../config/config.types';

describe('UsageWindow (sliding minute)', () => {
  const t0 = 1_000_000 * BUCKET_MS;
  it('sums local, flushing and snapshot counts within the window and forgets older ones', () => {
    const w = new UsageWindow();
    w.add(t0, 1, 10);
    w.add(t0 + 1000, 1, 0);
    expect(w.totals(t0 + 2000)).toEqual({ requests: 2, tokens: 10 });
    const sent = w.beginFlush();
    expect([...sent.values()].reduce((s, c) => s + c.requests, 0)).toBe(2);
    w.add(t0 + 1500, 1, 0);
    expect(w.totals(t0 + 2000).requests).toBe(3);
    w.endFlush(new Map([[t0 / BUCKET_MS, { requests: 5, tokens: 10 }]])); // includes other replicas
    expect(w.totals(t0 + 2000).requests).toBe(6);
    expect(w.totals(t0 + WINDOW_MS + BUCKET_MS).requests).toBe(0);
  });

  it('keeps counts when a flush fails', () => {
    const w = new UsageWindow();
    w.add(t0, 2, 0);
    w.beginFlush();
    w.failFlush();
    expect(w.pending.size).toBe(1);
    expect(w.totals(t0).requests).toBe(2);
  });

  it('says how long until usage is below the limit', () => {
    const w = new UsageWindow();
    w.add(t0, 1, 0);
    w.add(t0 + 2 * BUCKET_MS, 1, 0);
    const now = t0 + 3 * BUCKET_MS;
    expect(w.msUntilBelow(now, 2)).toBe(t0 + BUCKET_MS + WINDOW_MS - now);
    expect(w.msUntilBelow(now, 3)).toBe(0);
  });
});

describe('CooldownState', () => {
  it('cools down until the end, then is half-open for one window, then closed', () => {
    const s = new CooldownState(() => 60_000);
    s.set('d', 1000);
    expect(s.isCooling('d', 999)).toBe(true);
    expect(s.isCooling('d', 1000)).toBe(false);
    expect(s.isHalfOpen('d', 1000)).toBe(true);
    expect(s.isHalfOpen('d', 61_000)).toBe(false);
    s.merge(new Map(), 70_000);
    expect(s.entries()).toEqual([]);
  });
  it('keeps the later end time', () => {
    const s = new CooldownState(() => 1000);
    s.set('d', 5000);
    s.set('d', 3000);
    expect(s.isCooling('d', 4000)).toBe(true);
  });
});

describe('DeploymentStatsTable', () => {
  it('counts in-flight requests and a moving average of latency', () => {
    const t = new DeploymentStatsTable();
    t.started('a');
    t.started('a');
    expect(t.get('a').inFlight).toBe(2);
    t.finished('a', 100);
    t.finished('a', 200);
    expect(t.get('a')).toMatchObject({
      inFlight: 0,
      samples: 2,
      latencyMs: LATENCY_ALPHA * 200 + (1 - LATENCY_ALPHA) * 100,
    });
    t.finished('a');
    expect(t.get('a').inFlight).toBe(0);
  });
});

describe('router settings at boot', () => {
  const yaml = { ...DEFAULT_ROUTER, strategy: 'least-busy' as const };
  it('seeds from the YAML, keeps an admin override across restarts, and lets a changed YAML win', () => {
    const first = bootRouterSettings(undefined, yaml);
    expect(first).toEqual({ effective: yaml, config: yaml, source: 'config' });
    const edited = { ...first, effective: { ...yaml, retries: 5 }, source: 'api' as const };
    expect(bootRouterSettings(edited, yaml)).toBe(edited);
    expect(bootRouterSettings(edited, DEFAULT_ROUTER).effective).toEqual(DEFAULT_ROUTER);
  });
});
