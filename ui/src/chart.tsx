import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import type { UsageRow } from './types';

/**
 * Spend and requests per UTC day (uPlot). The plot needs numbers, so it draws `Number(cost_usd)`; the
 * exact decimal totals are printed beside it, never derived from these.
 */
export function DailyChart({ rows }: { rows: UsageRow[] }): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const days = rows.filter((r) => r.day).sort((a, b) => (a.day! < b.day! ? -1 : 1));
    const data: uPlot.AlignedData = [
      days.map((r) => Date.parse(`${r.day}T00:00:00Z`) / 1000),
      days.map((r) => Number(r.cost_usd)),
      days.map((r) => r.requests),
    ];
    const plot = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 240,
        scales: { x: { time: true }, usd: {}, req: {} },
        series: [
          {
            label: 'Day',
            value: (_u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)),
          },
          { label: 'Spend (USD)', scale: 'usd', stroke: '#2563eb', width: 2, points: { show: true } },
          { label: 'Requests', scale: 'req', stroke: '#16a34a', width: 2, points: { show: true } },
        ],
        axes: [
          {},
          { scale: 'usd', label: 'USD' },
          { scale: 'req', side: 1, label: 'requests', grid: { show: false } },
        ],
      },
      data,
      el,
    );
    const resize = () => plot.setSize({ width: Math.max(320, el.clientWidth), height: 240 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [rows]);
  return <div className="chart" ref={host} role="img" aria-label="Spend and requests per day" />;
}
