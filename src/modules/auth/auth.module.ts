import { Global, Module } from '@nestjs/common';
import { AdminGuard, KeyGuard } from './admin.guard';
import { AuthService } from './auth.service';
import { KeyCache } from './key-cache';
import { KeyInvalidationService } from './key-invalidation.service';
import { KeyLookupService } from './key-lookup.service';

@Global()
@Module({
  providers: [
    AuthService,
    KeyLookupService,
    KeyInvalidationService,
    AdminGuard,
    KeyGuard,
    { provide: KeyCache, useFactory: () => new KeyCache() },
  ],
  exports: [AuthService, KeyInvalidationService, AdminGuard, KeyGuard],
})
export class AuthModule {}
