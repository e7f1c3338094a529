import { Module } from '@nestjs/common';
import { TeamsModule } from '../teams/teams.module';
import { ApiKeyService } from './api-key.service';
import { KeysController } from './keys.controller';
import { SelfKeyController } from './self-key.controller';

@Module({
  imports: [TeamsModule],
  controllers: [KeysController, SelfKeyController],
  providers: [ApiKeyService],
  exports: [ApiKeyService],
})
export class KeysModule {}
