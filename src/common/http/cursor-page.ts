import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { invalidRequest } from '../errors/gateway-error';

/** Cursor pages (contract §6): `?limit=` (default 50, max 1000) and an opaque `?cursor=`. */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Query DTO for list endpoints; extend it with the endpoint's filters. */
export class CursorPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque, from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; anything else is a 400 naming `cursor`. */
export function decodeCursor<T>(cursor: string | undefined, isValid: (v: unknown) => v is T): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) return value;
  } catch {
    /* fall through */
  }
  throw invalidRequest('cursor is not a valid page cursor', 'cursor');
}

export function pageLimit(q: CursorPageQuery): number {
  return q.limit ?? DEFAULT_PAGE_LIMIT;
}

/**
 * Builds a page from rows fetched with `take: limit + 1`: the extra row only says there is more.
 * `positionOf` gives the last row's sort position for the next cursor.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  view: (row: R) => T,
  positionOf: (row: R) => unknown,
): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return {
    data: shown.map(view),
    next_cursor: more ? encodeCursor(positionOf(shown[shown.length - 1])) : null,
  };
}

/** Keyset position for lists ordered by `createdAt desc, id desc`. */
export interface CreatedAtPosition {
  t: string;
  id: string;
}

export function isCreatedAtPosition(v: unknown): v is CreatedAtPosition {
  const p = v as CreatedAtPosition;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof p.t === 'string' &&
    !Number.isNaN(Date.parse(p.t)) &&
    typeof p.id === 'string'
  );
}

/** Prisma `where` for the rows after a `createdAt desc, id desc` position. */
export function afterCreatedAt(p: CreatedAtPosition | undefined): object {
  if (!p) return {};
  const t = new Date(p.t);
  return { OR: [{ createdAt: { lt: t } }, { createdAt: t, id: { lt: p.id } }] };
}

export function createdAtPosition(row: { createdAt: Date; id: string }): CreatedAtPosition {
  return { t: row.createdAt.toISOString(), id: row.id };
}
