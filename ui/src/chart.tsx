import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import type { UsageRow } from './types';

const DAY = 86_400;
/** Day buckets: ticks fall on whole days (or weeks, months on long ranges). */
const DAY_INCREMENTS = [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 90 * DAY];
/** The host's width inside its padding (uPlot sizes its canvas and legend to exactly this). */
const plotWidth = (el: HTMLElement) => Math.max(320, el.clientWidth - 16);
const utcDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

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
        width: plotWidth(el),
        height: 240,
        scales: { x: { time: true }, usd: {}, req: {} },
        series: [
          {
            label: 'Day',
            value: (_u, v) => (v == null ? '' : utcDay(v)),
          },
          { label: 'Spend (USD)', scale: 'usd', stroke: '#2563eb', width: 2, points: { show: true } },
          { label: 'Requests', scale: 'req', stroke: '#16a34a', width: 2, points: { show: true } },
        ],
        axes: [
          { incrs: DAY_INCREMENTS, values: (_u, splits) => splits.map(utcDay) },
          { scale: 'usd', label: 'USD' },
          { scale: 'req', side: 1, label: 'requests', grid: { show: false } },
        ],
      },
      data,
      el,
    );
    const resize = () => plot.setSize({ width: plotWidth(el), height: 240 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [rows]);
  return <div className="chart" ref={host} role="img" aria-label="Spend and requests per day" />;
}
