import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG } from './app-config';
import type { AppConfig } from './config.types';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
