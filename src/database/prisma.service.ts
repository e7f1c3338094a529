import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { DATABASE_URL, PRISMA_SERVICE_OPTIONS } from './database.tokens';

export interface PrismaServiceOptions {
  /** Maximum number of pooled connections (pg `max`). Default 10. */
  poolSize?: number;
}

export const DEFAULT_POOL_SIZE = 10;

/**
 * The application's database client: a stock `PrismaClient` on the pg driver adapter (no native
 * query engine). The connection string is injected; this class never reads the environment.
 *
 * Note: adapter-pg cannot decode the catalog types `name` and `"char"`; cast such columns with
 * `::text` in `$queryRaw`.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(DATABASE_URL) databaseUrl: string,
    @Optional() @Inject(PRISMA_SERVICE_OPTIONS) options?: PrismaServiceOptions,
  ) {
    if (!databaseUrl) throw new Error('PrismaService: a database URL is required');
    const poolSize = options?.poolSize ?? DEFAULT_POOL_SIZE;
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new Error(`PrismaService: poolSize must be a positive integer, got ${String(poolSize)}`);
    }
    super({
      adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }),
      // Admin writes are transactions; a burst of them queues for the pool's connections, so wait up
      // to 10 s for one (Prisma's default is 2 s) before answering 503 (see database-busy.ts).
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/** Builds a PrismaService outside Nest's injector (factories, scripts, tests). */
export function createPrismaService(databaseUrl: string, options?: PrismaServiceOptions): PrismaService {
  return new PrismaService(databaseUrl, options);
}
