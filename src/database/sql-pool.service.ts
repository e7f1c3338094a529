import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { DATABASE_URL } from './database.tokens';

/**
 * A small plain-pg pool for the statements where Prisma's query pipeline costs more than the statement
 * itself: the usage writer's batch insert (one parameter holding hundreds of rows as JSON went through
 * Prisma's query compiler on every batch, about half the worker's CPU) and the video tasks' per-poll
 * and per-submit statements (video-task.sql.ts). Opened on first use, so a process that runs none of
 * them holds no extra connection.
 */
@Injectable()
export class SqlPool implements OnModuleDestroy {
  private pool?: Pool;

  constructor(@Inject(DATABASE_URL) private readonly databaseUrl: string) {}

  async query<R extends QueryResultRow>(sql: string, params: unknown[]): Promise<R[]> {
    return (await this.open().query<R>(sql, params)).rows;
  }

  /**
   * Runs `work` on one connection of the pool (a transaction, a COPY). A connection `work` failed on is
   * closed rather than given back: it may be mid-transaction or mid-COPY.
   */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.open().connect();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (err) {
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  }

  private open(): Pool {
    if (!this.pool) {
      this.pool = new Pool({
        connectionString: this.databaseUrl,
        max: 4,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: 5_000,
      });
      this.pool.on('error', () => undefined); // an idle client's connection dropped: the next query reconnects
    }
    return this.pool;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.end();
    this.pool = undefined;
  }
}
