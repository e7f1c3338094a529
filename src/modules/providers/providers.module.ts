import { Module } from '@nestjs/common';
import { ProviderClient } from '../../providers/core/provider-client';
import { ProviderRegistry } from './provider-registry.service';

/** Provider I/O for Nest: the one ProviderClient (the executor's connection pools) and the adapter registry. */
@Module({
  providers: [{ provide: ProviderClient, useFactory: () => new ProviderClient() }, ProviderRegistry],
  exports: [ProviderClient, ProviderRegistry],
})
export class ProvidersModule {}
