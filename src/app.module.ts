import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DialectExceptionFilter } from './http/errors/dialect-exception.filter';
import { LoggerModule } from './common/logging/logger.module';
import type { Logger } from './common/logging/logger';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/config.types';
import { DatabaseModule } from './database/database.module';
import { AuthModule } from './modules/auth/auth.module';
import { AuditModule } from './modules/audit/audit.module';
import { KeysModule } from './modules/keys/keys.module';
import { TeamsModule } from './modules/teams/teams.module';
import { CryptoModule } from './modules/crypto/crypto.module';
import { HealthModule } from './modules/health/health.module';
import { InferenceModule } from './modules/inference/inference.module';
import { RoutingModule } from './modules/routing/routing.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { UsageModule } from './modules/usage/usage.module';
import { UsageSpendModule } from './modules/usage/usage-spend-reader';
import { VideoModule } from './modules/video/video.module';
import { VideoWorkerModule } from './modules/video/video-worker.module';
import { bullConnection } from './database/redis-options';
import { UiModule } from './modules/ui/ui.module';
import { ResponsesPurgeModule } from './modules/inference/responses/responses-purge.module';
import { UsagePartitionsModule } from './modules/usage/usage-partitions.module';

/**
 * BullMQ's root module, for the roles that run background jobs (worker, all). Loaded on demand: the
 * API role has no queue of its own and saves the library's memory (~7 MB resident).
 */
function bullRoot(config: AppConfig): DynamicModule {
  const { BullModule } = require('@nestjs/bullmq') as typeof import('@nestjs/bullmq');
  return BullModule.forRoot({
    connection: bullConnection(config),
    prefix: `${config.redisPrefix}:bull`,
  });
}

@Module({})
export class AppModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    const api = config.role !== 'worker';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(logger),
        DatabaseModule,
        CryptoModule,
        ...(config.role === 'api' ? [] : [bullRoot(config)]),
        AuthModule,
        AuditModule,
        TeamsModule,
        KeysModule,
        HealthModule,
        RoutingModule,
        MetricsModule,
        UsageModule,
        UsageSpendModule,
        ...(api ? [InferenceModule, VideoModule, UiModule] : []),
        ...(config.role === 'api' ? [] : [VideoWorkerModule, ResponsesPurgeModule, UsagePartitionsModule]),
      ],
      providers: [{ provide: APP_FILTER, useClass: DialectExceptionFilter }],
    };
  }
}
