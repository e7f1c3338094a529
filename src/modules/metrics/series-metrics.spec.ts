import { Registry } from 'prom-client';
import { SeriesCounter, SeriesHistogram } from './series-metrics';

describe('series metrics', () => {
  it('render through prom-client like its own counters and histograms', async () => {
    const registry = new Registry();
    const requests = new SeriesCounter('t_requests_total', 'requests', registry);
    const latency = new SeriesHistogram('t_latency_seconds', 'latency', registry, [0.1, 1]);
    const labels = () => ({ model: 'm', status: '200' });
    requests.inc('m|200', labels);
    requests.inc('m|200', labels, 2);
    latency.observe('m|200', labels, 0.05);
    latency.observe('m|200', labels, 0.5);
    latency.observe('m|200', labels, 5);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE t_requests_total counter');
    expect(text).toContain('t_requests_total{model="m",status="200"} 3');
    expect(text).toContain('# TYPE t_latency_seconds histogram');
    expect(text).toContain('t_latency_seconds_bucket{le="0.1",model="m",status="200"} 1');
    expect(text).toContain('t_latency_seconds_bucket{le="1",model="m",status="200"} 2');
    expect(text).toContain('t_latency_seconds_bucket{le="+Inf",model="m",status="200"} 3');
    expect(text).toContain('t_latency_seconds_sum{model="m",status="200"} 5.55');
    expect(text).toContain('t_latency_seconds_count{model="m",status="200"} 3');
  });

  it("work through the registry's other public calls: getSingleMetric, getMetricsAsJSON, resetMetrics", async () => {
    const registry = new Registry();
    const requests = new SeriesCounter('t_requests_total', 'requests', registry);
    requests.inc('m', () => ({ model: 'm' }), 2);
    expect(registry.getSingleMetric('t_requests_total')).toBe(requests);
    expect(await registry.getMetricsAsJSON()).toEqual([
      expect.objectContaining({
        name: 't_requests_total',
        type: 'counter',
        values: [{ labels: { model: 'm' }, value: 2 }],
      }),
    ]);
    registry.resetMetrics();
    expect(await registry.getSingleMetricAsString('t_requests_total')).toBe(
      '# HELP t_requests_total requests\n# TYPE t_requests_total counter',
    );
  });
});
