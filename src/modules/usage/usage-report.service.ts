import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import type { Response } from 'express';
import {
  decodeCursor,
  encodeCursor,
  MAX_PAGE_LIMIT,
  DEFAULT_PAGE_LIMIT,
  type Page,
} from '../../common/http/cursor-page';
import { GatewayError, invalidRequest } from '../../common/errors/gateway-error';
import { ReportDatabase } from '../../database/report-database.service';
import type { Identity } from '../auth/identity';
import { parseProviderFilter, parseStatusFilter, type StatusRange } from './usage-log-filters';

export const GROUP_FIELDS = ['day', 'model', 'key', 'team', 'provider'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

export interface UsageFilters {
  from?: Date;
  to?: Date;
  teamId?: string;
  keyId?: string;
  model?: string;
  /** Logs only (the rollup keeps no status; the summary does not take these). */
  provider?: string;
  status?: StatusRange;
}

/** The figures of a summary row and of its totals; seconds and money as exact decimal strings. */
export interface Figures {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  images: number;
  audio_seconds: string;
  video_seconds: string;
  cost_usd: string;
}
type FigureName = keyof Figures;

export interface SummaryRow extends Figures {
  day?: string;
  model?: string;
  key_id?: string | null;
  team_id?: string | null;
  provider?: string | null;
}

/** Set when a range reaches before the oldest record kept (retention dropped older partitions). */
export interface RetentionFlags {
  source?: 'rollup' | 'rollup_and_records';
  raw_available_from?: string;
}

export interface UsageSummary extends RetentionFlags {
  data: SummaryRow[];
  totals: Figures;
}

export const LOG_COLUMNS = [
  'id',
  'request_id',
  'created_at',
  'key_id',
  'team_id',
  'model',
  'deployment_id',
  'provider',
  'upstream_model',
  'endpoint',
  'status_code',
  'error_type',
  'prompt_tokens',
  'completion_tokens',
  'reasoning_tokens',
  'cached_tokens',
  'images',
  'audio_seconds',
  'video_seconds',
  'cost_usd',
  'latency_ms',
  'ttft_ms',
  'stream',
  'estimated',
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 86_400_000;

/**
 * Usage reports (contract §6, §9.6). Summaries read the daily rollup for the whole UTC days of the
 * range and usage_records only for the partial days at its ends, so any range answers fast at 1M
 * records (bench/report-latency.js); the logs read usage_records. Money and seconds are decimal strings.
 */
@Injectable()
export class UsageReportService {
  /** Reports may lag the primary by a replica's delay: they read through ReportDatabase (DATABASE_READ_URL). */
  constructor(private readonly db: ReportDatabase) {}

  /** Parses `from`, `to`, `team_id`, `key_id`, `model` and applies the caller's scope. */
  filters(q: Record<string, unknown>, identity: Identity, selfService = false): UsageFilters {
    const f: UsageFilters = {
      from: parseTime(q.from, 'from'),
      to: parseTime(q.to, 'to'),
      teamId: parseUuid(q.team_id, 'team_id'),
      keyId: parseUuid(q.key_id, 'key_id'),
      model: typeof q.model === 'string' && q.model ? q.model : undefined,
    };
    if (selfService) {
      if (identity.kind === 'key') {
        f.keyId = identity.keyId;
        f.teamId = undefined;
      }
      return f;
    }
    if (identity.role !== 'admin') {
      if (f.teamId && f.teamId !== identity.teamId)
        throw new GatewayError('permission_denied', 'This key may only read usage of its own team');
      f.teamId = identity.teamId;
    }
    return f;
  }

  /** The summary's filters and the logs' own: `provider` and `status` (usage-log-filters.ts). */
  logFilters(q: Record<string, unknown>, identity: Identity): UsageFilters {
    return {
      ...this.filters(q, identity),
      provider: parseProviderFilter(q.provider),
      status: parseStatusFilter(q.status),
    };
  }

  parseGroupBy(v: unknown): GroupField[] {
    if (v === undefined || v === '') return [];
    const parts = String(v)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const p of parts) {
      if (!(GROUP_FIELDS as readonly string[]).includes(p))
        throw invalidRequest(
          `group_by: unknown field '${p}' (allowed: ${GROUP_FIELDS.join(', ')})`,
          'group_by',
        );
    }
    return [...new Set(parts)] as GroupField[];
  }

  async summary(groupBy: GroupField[], f: UsageFilters): Promise<UsageSummary> {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const names: Record<GroupField, string> = {
      day: 'day',
      model: 'model',
      key: 'key_id',
      team: 'team_id',
      provider: 'provider',
    };
    // Whole UTC days inside [from, to) come from the rollup; the partial days at either end (if any) from
    // usage_records. Both are written in one statement, so the union is exact. A partial day older than
    // the records kept (retention) is read from the rollup as a whole day, and the answer says so.
    const horizon = await this.rawAvailableFrom();
    const plan = splitRange(f.from, f.to, horizon);
    const parts: string[] = [];
    if (plan.days) {
      const col = {
        day: `to_char(day, 'YYYY-MM-DD')`,
        model: 'model',
        key: `NULLIF(key_id, '')`,
        team: `NULLIF(team_id, '')`,
        provider: `NULLIF(provider, '')`,
      };
      const where: string[] = [];
      if (plan.days.from) where.push(`day >= ${p(isoDay(plan.days.from))}::date`);
      if (plan.days.to) where.push(`day < ${p(isoDay(plan.days.to))}::date`);
      if (f.keyId) where.push(`key_id = ${p(f.keyId)}`);
      if (f.teamId) where.push(`team_id = ${p(f.teamId)}`);
      if (f.model) where.push(`model = ${p(f.model)}`);
      parts.push(`SELECT ${[...groupBy.map((g) => `${col[g]} AS ${names[g]}`), ...ROLLUP_SUMS].join(', ')} FROM usage_daily
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}${groupBy.length ? ` GROUP BY ${groupBy.map((_, i) => i + 1).join(', ')}` : ''}`);
    }
    if (plan.raw.length) {
      const col = {
        day: `to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`,
        model: 'model',
        key: 'key_id::text',
        team: 'team_id::text',
        provider: 'provider',
      };
      const where: string[] = [];
      const ranges = plan.raw.map(
        (r) =>
          [r.from && `created_at >= ${p(r.from)}`, r.to && `created_at < ${p(r.to)}`]
            .filter(Boolean)
            .join(' AND ') || 'true',
      );
      where.push(ranges.length === 1 ? ranges[0] : `(${ranges.map((r) => `(${r})`).join(' OR ')})`);
      if (f.keyId) where.push(`key_id = ${p(f.keyId)}::uuid`);
      if (f.teamId) where.push(`team_id = ${p(f.teamId)}::uuid`);
      if (f.model) where.push(`model = ${p(f.model)}`);
      parts.push(`SELECT ${[...groupBy.map((g) => `${col[g]} AS ${names[g]}`), ...RAW_SUMS].join(', ')} FROM usage_records
        WHERE ${where.join(' AND ')}${groupBy.length ? ` GROUP BY ${groupBy.map((_, i) => i + 1).join(', ')}` : ''}`);
    }
    const groups = groupBy.map((g) => names[g]);
    const sql = `SELECT ${[...groups, ...OUTER_SUMS].join(', ')} FROM (${parts.join(' UNION ALL ')}) u
      ${groupBy.length ? `GROUP BY ${groupBy.map((_, i) => i + 1).join(', ')} ORDER BY ${groupBy.map((_, i) => `${i + 1} NULLS FIRST`).join(', ')}` : ''}`;
    const rows = await this.db.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(sql, ...params);
    const data: SummaryRow[] = [];
    const totals = emptyTotals();
    for (const r of rows) {
      if (Number(r.requests ?? 0) === 0 && groupBy.length === 0) continue;
      const row = {} as SummaryRow;
      for (const g of groupBy) (row as unknown as Record<string, unknown>)[names[g]] = r[names[g]] ?? null;
      Object.assign(row, metrics(r));
      data.push(row);
      addTotals(totals, row);
    }
    return {
      data: groupBy.length ? data : data.length ? [data[0]] : [],
      totals: finishTotals(totals),
      ...retentionFlags(f, horizon),
    };
  }

  /**
   * The oldest time usage_records still holds every record for: the lower bound of its oldest partition,
   * or null while no partition was dropped (the oldest one starts at MINVALUE). A catalog read.
   */
  async rawAvailableFrom(): Promise<Date | null> {
    const rows = await this.db.prisma.$queryRawUnsafe<Array<{ horizon: Date | null }>>(
      `SELECT min(range_from) AS horizon FROM usage_record_partitions WHERE NOT is_default
       HAVING bool_and(range_from IS NOT NULL)`,
    );
    return rows[0]?.horizon ?? null;
  }

  /** A range wholly older than the records kept answers an empty page, flagged, without a query. */
  async logs(
    f: UsageFilters,
    limitRaw: unknown,
    cursorRaw: unknown,
  ): Promise<Page<Record<string, unknown>> & RetentionFlags> {
    const limit = parseLimit(limitRaw);
    const after = decodeCursor(typeof cursorRaw === 'string' ? cursorRaw : undefined, isPosition);
    const flags = retentionFlags(f, await this.rawAvailableFrom());
    if (flags.source === 'rollup') return { data: [], next_cursor: null, ...flags };
    const rows = await this.logRows(f, limit + 1, after);
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const last = shown[shown.length - 1];
    return {
      data: shown,
      next_cursor: more && last ? encodeCursor({ t: last.created_at, id: last.id }) : null,
      ...flags,
    };
  }

  /**
   * Streams every matching record as CSV, page by page (constant memory). A range reaching before the
   * records kept carries the flags as headers (`x-usage-source`, `x-usage-raw-available-from`).
   */
  async logsCsv(f: UsageFilters, res: Response): Promise<void> {
    const flags = retentionFlags(f, await this.rawAvailableFrom());
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="usage.csv"');
    if (flags.source) res.setHeader('x-usage-source', flags.source);
    if (flags.raw_available_from) res.setHeader('x-usage-raw-available-from', flags.raw_available_from);
    res.write(`${LOG_COLUMNS.join(',')}\n`);
    if (flags.source === 'rollup') return void res.end();
    let after: { t: string; id: string } | undefined;
    for (;;) {
      const rows = await this.logRows(f, 1000, after);
      if (rows.length === 0) break;
      const chunk = rows.map((r) => LOG_COLUMNS.map((c) => csvCell(r[c])).join(',')).join('\n');
      if (!res.write(`${chunk}\n`)) await new Promise((r) => res.once('drain', r));
      const last = rows[rows.length - 1];
      after = { t: String(last.created_at), id: String(last.id) };
      if (rows.length < 1000) break;
    }
    res.end();
  }

  private async logRows(
    f: UsageFilters,
    take: number,
    after?: { t: string; id: string },
  ): Promise<Array<Record<string, unknown>>> {
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.from) where.push(`created_at >= ${p(f.from)}`);
    if (f.to) where.push(`created_at < ${p(f.to)}`);
    if (f.keyId) where.push(`key_id = ${p(f.keyId)}::uuid`);
    if (f.teamId) where.push(`team_id = ${p(f.teamId)}::uuid`);
    if (f.model) where.push(`model = ${p(f.model)}`);
    if (f.provider) where.push(`provider = ${p(f.provider)}`);
    if (f.status) where.push(`status_code BETWEEN ${p(f.status.min)}::int AND ${p(f.status.max)}::int`);
    if (after) where.push(`(created_at, id) < (${p(new Date(after.t))}, ${p(after.id)}::uuid)`);
    const sql = `SELECT id::text, request_id, created_at, key_id::text, team_id::text, model, deployment_id, provider, upstream_model,
        endpoint, status_code, error_type, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, images,
        audio_seconds::text, video_seconds::text, cost_usd::text, latency_ms, ttft_ms, stream, estimated
      FROM usage_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ${Math.floor(take)}`;
    const rows = await this.db.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(sql, ...params);
    return rows.map((r) => ({
      ...r,
      created_at: r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at,
      cost_usd: new Decimal(String(r.cost_usd)).toFixed(),
      audio_seconds: new Decimal(String(r.audio_seconds)).toFixed(),
      video_seconds: new Decimal(String(r.video_seconds)).toFixed(),
    }));
  }
}

/**
 * The figures of a summary: how the rollup and usage_records each sum them (the rollup's columns are
 * the records' sums per day, written in the same statement), and whether they leave as a number or as
 * an exact decimal string.
 */
const FIGURES: ReadonlyArray<{ name: FigureName; rollup: string; raw: string; decimal?: true }> = [
  { name: 'requests', rollup: 'sum(requests)::bigint', raw: 'count(*)::bigint' },
  {
    name: 'errors',
    rollup: 'sum(errors)::bigint',
    raw: 'count(*) FILTER (WHERE status_code >= 400)::bigint',
  },
  ...(['prompt_tokens', 'completion_tokens', 'reasoning_tokens', 'cached_tokens', 'images'] as const).map(
    (name) => ({ name, rollup: `sum(${name})::numeric`, raw: `sum(${name})::numeric` }),
  ),
  ...(['audio_seconds', 'video_seconds', 'cost_usd'] as const).map((name) => ({
    name,
    rollup: `sum(${name})`,
    raw: `sum(${name})`,
    decimal: true as const,
  })),
];
const ROLLUP_SUMS = FIGURES.map((f) => `${f.rollup} AS ${f.name}`);
const RAW_SUMS = FIGURES.map((f) => `${f.raw} AS ${f.name}`);
/** Re-sums the parts; every figure leaves Postgres as text (exact), the counts as bigint. */
const OUTER_SUMS = FIGURES.map(
  (f) => `sum(${f.name})::${f.name === 'requests' || f.name === 'errors' ? 'bigint' : 'text'} AS ${f.name}`,
);

interface RangePlan {
  /** Whole UTC days read from usage_daily ([from, to), either end open); undefined: none. */
  days?: { from?: Date; to?: Date };
  /** Sub-ranges read from usage_records (the partial days at the ends). */
  raw: Array<{ from?: Date; to?: Date }>;
}

/**
 * Splits [from, to) into whole UTC days (rollup) and the partial days around them (raw records). A
 * partial day before `horizon` (the oldest record kept; a UTC day boundary) has no records left: it is
 * read from the rollup as a whole day instead.
 */
export function splitRange(
  fromAsked: Date | undefined,
  toAsked: Date | undefined,
  horizon: Date | null = null,
): RangePlan {
  const from = horizon && fromAsked && fromAsked < horizon ? dayFloor(fromAsked) : fromAsked;
  const to = horizon && toAsked && toAsked <= horizon ? dayCeil(toAsked) : toAsked;
  const firstDay = from && (isDayAligned(from) ? from : dayCeil(from));
  const endDay = to && dayFloor(to);
  if (firstDay && endDay && firstDay.getTime() >= endDay.getTime()) return { raw: [{ from, to }] };
  const raw: RangePlan['raw'] = [];
  if (from && firstDay && firstDay.getTime() !== from.getTime()) raw.push({ from, to: firstDay });
  if (to && endDay && endDay.getTime() !== to.getTime()) raw.push({ from: endDay, to });
  return { days: { from: firstDay, to: endDay }, raw };
}

function dayFloor(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}

function dayCeil(d: Date): Date {
  return new Date(Math.ceil(d.getTime() / DAY_MS) * DAY_MS);
}

/** The flags of a range that reaches before `horizon` (records older than it were dropped); else none. */
export function retentionFlags(f: { from?: Date; to?: Date }, horizon: Date | null): RetentionFlags {
  if (!horizon || (f.from && f.from >= horizon)) return {};
  return {
    source: f.to && f.to <= horizon ? 'rollup' : 'rollup_and_records',
    raw_available_from: horizon.toISOString(),
  };
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function metrics(r: Record<string, unknown>): Figures {
  const out = {} as Record<FigureName, number | string>;
  for (const f of FIGURES) {
    const v = r[f.name] ?? 0;
    out[f.name] = f.decimal ? new Decimal(String(v)).toFixed() : Number(v);
  }
  return out as unknown as Figures;
}

type Totals = Record<FigureName, Decimal>;

function emptyTotals(): Totals {
  return Object.fromEntries(FIGURES.map((f) => [f.name, new Decimal(0)])) as Totals;
}

function addTotals(t: Totals, r: SummaryRow): void {
  for (const f of FIGURES) t[f.name] = t[f.name].plus(r[f.name]);
}

function finishTotals(t: Totals): UsageSummary['totals'] {
  return metrics(Object.fromEntries(FIGURES.map((f) => [f.name, t[f.name].toFixed()])));
}

function parseTime(v: unknown, param: string): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const s = String(v);
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s)
    ? new Date(`${s}T00:00:00Z`)
    : /^\d{4}-\d{2}-\d{2}T/.test(s)
      ? new Date(s)
      : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw invalidRequest(`${param} must be RFC 3339 or YYYY-MM-DD`, param);
  return d;
}

function parseUuid(v: unknown, param: string): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !UUID.test(v)) throw invalidRequest(`${param} must be a UUID`, param);
  return v.toLowerCase();
}

function parseLimit(v: unknown): number {
  if (v === undefined || v === '') return DEFAULT_PAGE_LIMIT;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_LIMIT)
    throw invalidRequest(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, 'limit');
  return n;
}

function isDayAligned(d: Date | undefined): boolean {
  return d === undefined || d.getTime() % DAY_MS === 0;
}

function isPosition(v: unknown): v is { t: string; id: string } {
  const p = v as { t: string; id: string };
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof p.t === 'string' &&
    !Number.isNaN(Date.parse(p.t)) &&
    typeof p.id === 'string' &&
    UUID.test(p.id)
  );
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
