import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { SecretBox } from '../../common/crypto/secret-box';

/** Provides the SecretBox for credentials at rest (the key is resolved at boot; see bootstrap). */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      useFactory: (c: AppConfig) => {
        if (!c.encryptionKey) throw new Error('SWITCHBOARD_ENCRYPTION_KEY was not resolved at boot');
        return new SecretBox(c.encryptionKey, c.encryptionKeyPrevious);
      },
      inject: [APP_CONFIG],
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
