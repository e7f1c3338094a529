import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import type { PrismaClient } from '../generated/prisma/client';
import { DATABASE_READ_URL } from './database.tokens';
import { createPrismaService, PrismaService } from './prisma.service';

/** Connections a replica client keeps (reports run one statement at a time per request). */
export const REPORT_POOL_SIZE = 5;

/**
 * The database reports read from: the read replica named by `DATABASE_READ_URL`, or the primary when
 * it is unset. Only reads that may lag the primary by the replica's delay go here (usage summaries,
 * logs and CSV, a key's own /v1/usage, the audit log list, the video task list); anything on the
 * request path or behind a decision (key lookups, budgets' spend seeding, reservations, idempotency,
 * the admin write paths and the views they answer) stays on `PrismaService`. Nothing writes here.
 */
@Injectable()
export class ReportDatabase implements OnModuleDestroy {
  /** The client reports query: the replica's own client, or the primary's. */
  readonly prisma: PrismaClient;
  /** Whether reports are served by a replica (DATABASE_READ_URL set). */
  readonly replica: boolean;

  constructor(primary: PrismaService, @Optional() @Inject(DATABASE_READ_URL) readUrl?: string) {
    this.replica = Boolean(readUrl);
    // Opened lazily by the first report: a replica that is down fails reports, never the boot.
    this.prisma = readUrl ? createPrismaService(readUrl, { poolSize: REPORT_POOL_SIZE }) : primary;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.replica) await this.prisma.$disconnect();
  }
}
