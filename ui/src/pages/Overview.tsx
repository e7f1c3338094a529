import { useState, type ReactNode } from 'react';
import { get } from '../api';
import { DailyChart } from '../chart';
import { Empty, Field, Loaded, Money } from '../components';
import { byCostDesc, count, daysAgo, percent } from '../format';
import { useAsync } from '../hooks';
import type { Session } from '../session';
import type { Key, Page, Team, UsageRow, UsageSummary, UsageTotals } from '../types';

const PRESETS = [7, 30, 90];
const TOP = 5;

interface Range {
  from: string;
  to: string;
}

/** Spend and requests per day, totals, error rate, and the top models, teams and keys by spend. */
export function Overview({ session }: { session: Session }): ReactNode {
  const [range, setRange] = useState<Range>({ from: daysAgo(6), to: '' });
  const query = { from: range.from, to: range.to };
  const [state] = useAsync(async () => {
    const summary = (group_by?: string) => get<UsageSummary>('/admin/usage/summary', { ...query, group_by });
    const [days, models, keys, teams, teamList, keyList] = await Promise.all([
      summary('day'),
      summary('model'),
      summary('key'),
      session.isAdmin ? summary('team') : undefined,
      session.isAdmin ? get<Page<Team>>('/admin/teams', { limit: 1000 }) : undefined,
      get<Page<Key>>('/admin/keys', { limit: 1000 }),
    ]);
    const names = new Map<string, string>([
      ...(teamList?.data.map((t) => [t.id, t.name] as const) ?? []),
      ...keyList.data.map((k) => [k.id, k.name ?? k.key_prefix] as const),
    ]);
    return { days, models, keys, teams, names };
  }, [range.from, range.to]);

  return (
    <section aria-label="Overview">
      <RangePicker range={range} onChange={setRange} />
      <Loaded state={state}>
        {({ days, models, keys, teams, names }) =>
          days.totals.requests === 0 ? (
            <Empty>No requests in this range.</Empty>
          ) : (
            <>
              <div className="overview">
                <DailyChart rows={days.data} />
                <Totals totals={days.totals} />
              </div>
              <div className="tops">
                <Top title="Top models" rows={models.data} label={(r) => r.model ?? '—'} />
                {teams && (
                  <Top
                    title="Top teams"
                    rows={teams.data}
                    label={(r) => (r.team_id ? (names.get(r.team_id) ?? r.team_id) : 'no team')}
                  />
                )}
                <Top
                  title="Top keys"
                  rows={keys.data}
                  label={(r) => (r.key_id ? (names.get(r.key_id) ?? r.key_id) : 'master key')}
                />
              </div>
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function RangePicker({ range, onChange }: { range: Range; onChange: (r: Range) => void }): ReactNode {
  return (
    <form className="filters" aria-label="Range" onSubmit={(e) => e.preventDefault()}>
      {PRESETS.map((n) => (
        <button
          key={n}
          type="button"
          aria-pressed={range.from === daysAgo(n - 1) && !range.to}
          onClick={() => onChange({ from: daysAgo(n - 1), to: '' })}
        >
          Last {n} days
        </button>
      ))}
      <Field label="From (UTC day)">
        <input
          type="date"
          value={range.from}
          onChange={(e) => onChange({ ...range, from: e.target.value })}
        />
      </Field>
      <Field label="To (UTC day, exclusive)">
        <input type="date" value={range.to} onChange={(e) => onChange({ ...range, to: e.target.value })} />
      </Field>
    </form>
  );
}

function Totals({ totals }: { totals: UsageTotals }): ReactNode {
  return (
    <dl className="totals" aria-label="Totals">
      <div>
        <dt>Spend</dt>
        <dd data-total="cost_usd">
          <Money value={totals.cost_usd} />
        </dd>
      </div>
      <div>
        <dt>Requests</dt>
        <dd data-total="requests">{count(totals.requests)}</dd>
      </div>
      <div>
        <dt>Errors</dt>
        <dd data-total="error_rate">
          {count(totals.errors)} ({percent(totals.errors, totals.requests)})
        </dd>
      </div>
      <div>
        <dt>Tokens in / out</dt>
        <dd>
          {count(totals.prompt_tokens)} / {count(totals.completion_tokens)}
        </dd>
      </div>
    </dl>
  );
}

function Top({
  title,
  rows,
  label,
}: {
  title: string;
  rows: UsageRow[];
  label: (r: UsageRow) => string;
}): ReactNode {
  const top = byCostDesc(rows).slice(0, TOP);
  return (
    <table>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Requests</th>
          <th scope="col">Spend</th>
        </tr>
      </thead>
      <tbody>
        {top.map((r) => (
          <tr key={label(r)}>
            <td>{label(r)}</td>
            <td>{count(r.requests)}</td>
            <td>
              <Money value={r.cost_usd} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
