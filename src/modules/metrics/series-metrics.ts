import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;

interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

/**
 * Counters and histograms for the request path, registered in a prom-client registry and rendered by
 * it, but updated through a handle per label set that touches plain numbers only (prom-client hashes
 * the label object on every `inc`/`observe`, even through `labels()` children). Label sets are bounded
 * by the catalog (model × provider × status × endpoint).
 */
abstract class SeriesMetric<S> {
  private readonly series = new Map<string, { labels: Labels; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The state of one label set; `key` must identify `labels` (callers build it once per request). */
  protected stateOf(key: string, labels: () => Labels): S {
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: labels(), state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  protected abstract initial(): S;
  protected abstract values(labels: Labels, state: S): MetricValue[];

  /** prom-client's metric interface (read at scrape time). */
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    const values: MetricValue[] = [];
    for (const { labels, state } of this.series.values()) values.push(...this.values(labels, state));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' });
  }

  reset(): void {
    this.series.clear();
  }
}

export class SeriesCounter extends SeriesMetric<{ value: number }> {
  constructor(name: string, help: string, registry: Registry) {
    super(name, help, 'counter', registry);
  }

  inc(key: string, labels: () => Labels, by = 1): void {
    this.stateOf(key, labels).value += by;
  }

  protected initial() {
    return { value: 0 };
  }

  protected values(labels: Labels, state: { value: number }): MetricValue[] {
    return [{ labels, value: state.value }];
  }
}

interface HistogramState {
  buckets: Float64Array;
  sum: number;
  count: number;
}

export class SeriesHistogram extends SeriesMetric<HistogramState> {
  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, 'histogram', registry);
  }

  observe(key: string, labels: () => Labels, value: number): void {
    const s = this.stateOf(key, labels);
    s.sum += value;
    s.count++;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= this.bounds[i]) {
        s.buckets[i]++;
        break;
      }
    }
  }

  protected initial(): HistogramState {
    return { buckets: new Float64Array(this.bounds.length), sum: 0, count: 0 };
  }

  protected values(labels: Labels, s: HistogramState): MetricValue[] {
    const out: MetricValue[] = [];
    let cumulative = 0;
    this.bounds.forEach((le, i) => {
      cumulative += s.buckets[i];
      out.push({
        labels: { le: String(le), ...labels },
        value: cumulative,
        metricName: `${this.name}_bucket`,
      });
    });
    out.push(
      { labels: { le: '+Inf', ...labels }, value: s.count, metricName: `${this.name}_bucket` },
      { labels, value: s.sum, metricName: `${this.name}_sum` },
      { labels, value: s.count, metricName: `${this.name}_count` },
    );
    return out;
  }
}
