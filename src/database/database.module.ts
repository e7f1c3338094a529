import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/app-config';
import type { AppConfig } from '../config/config.types';
import { DATABASE_URL } from './database.tokens';
import { PrismaService } from './prisma.service';
import { RedisService } from './redis.service';
import { SqlPool } from './sql-pool.service';

@Global()
@Module({
  providers: [
    { provide: DATABASE_URL, useFactory: (c: AppConfig) => c.databaseUrl, inject: [APP_CONFIG] },
    PrismaService,
    RedisService,
    SqlPool,
  ],
  exports: [PrismaService, RedisService, SqlPool],
})
export class DatabaseModule {}
