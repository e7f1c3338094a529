import { Global, Injectable, Module } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../database/prisma.service';
import { SPEND_READER, type SpendReader } from '../teams/spend-reader';
import { droppedSpendSql } from './spend-pending';

/**
 * `spend_usd` for the admin views of keys and teams: the exact sum of the current period's usage
 * records (they land within seconds of each answer), plus the rollup's for days whose records retention
 * dropped (lifetime budgets only). Admin reads only, never the request path.
 */
@Injectable()
export class UsageSpendReader implements SpendReader {
  constructor(private readonly prisma: PrismaService) {}

  keySpendUsd(keyId: string, periodStart: Date, db?: Prisma.TransactionClient): Promise<string> {
    return this.sum('key_id', keyId, periodStart, db);
  }

  teamSpendUsd(teamId: string, periodStart: Date, db?: Prisma.TransactionClient): Promise<string> {
    return this.sum('team_id', teamId, periodStart, db);
  }

  private async sum(
    column: 'key_id' | 'team_id',
    id: string,
    since: Date,
    db: Prisma.TransactionClient = this.prisma,
  ): Promise<string> {
    const rows = await db.$queryRawUnsafe<Array<{ s: string }>>(
      `SELECT (COALESCE(SUM(cost_usd), 0) + ${droppedSpendSql(column)})::text AS s
       FROM usage_records WHERE ${column} = $1::uuid AND created_at >= $2`,
      id,
      since,
    );
    return normalise(rows[0]?.s ?? '0');
  }
}

/** "0.0013500000" → "0.00135" (decimal text, no float). */
function normalise(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

@Global()
@Module({ providers: [{ provide: SPEND_READER, useClass: UsageSpendReader }], exports: [SPEND_READER] })
export class UsageSpendModule {}
