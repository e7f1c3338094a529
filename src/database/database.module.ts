import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config';
import type { AppConfig } from '../config/config.types';
import { DATABASE_READ_URL, DATABASE_URL } from './database.tokens';
import { PrismaService } from './prisma.service';
import { RedisService } from './redis.service';
import { ReportDatabase } from './report-database.service';
import { SqlPool } from './sql-pool.service';

@Global()
@Module({
  providers: [
    { provide: DATABASE_URL, useFactory: (c: AppConfig) => c.databaseUrl, inject: [APP_CONFIG] },
    { provide: DATABASE_READ_URL, useFactory: (c: AppConfig) => c.databaseReadUrl, inject: [APP_CONFIG] },
    PrismaService,
    ReportDatabase,
    RedisService,
    SqlPool,
  ],
  exports: [PrismaService, ReportDatabase, RedisService, SqlPool],
})
export class DatabaseModule {}
