import { Module } from '@nestjs/common';
import { ProviderClient } from '../../providers/core/provider-client';
import { AuthModule } from '../auth/auth.module';
import { RoutingModule } from '../routing/routing.module';
import { UsageModule } from '../usage/usage.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { ChatRequestPreparer } from './chat-request-preparer';
import { ChatResponseValidator } from './chat-response-validator';
import { ChatService } from './chat.service';
import { EmbeddingsController } from './embeddings.controller';
import { OpenAiEmbeddingsHandler } from './openai-embeddings.handler';
import { GoogleChatHandler } from './google-chat.handler';
import { GoogleModelsController } from './google-models.controller';
import { ModelListService } from './model-list.service';
import { ModelsController } from './models.controller';
import { OpenAiChatHandler } from './openai-chat.handler';
import { MediaInliner } from '../media/media-inliner';
import { GeminiCacheChanges } from './preparation/gemini-cache-changes';
import { GeminiCacheMetering } from './preparation/gemini-cache-metering';
import { GeminiCacheRegistry } from './preparation/gemini-cache-registry';
import { GeminiContextCaches } from './preparation/gemini-context-caches';
import { GoogleCachesController } from './google-caches.controller';
import { GoogleCachesService } from './google-caches.service';

@Module({
  imports: [AuthModule, RoutingModule, UsageModule],
  controllers: [
    ChatCompletionsController,
    EmbeddingsController,
    ModelsController,
    GoogleModelsController,
    GoogleCachesController,
  ],
  providers: [
    ChatService,
    OpenAiEmbeddingsHandler,
    ChatRequestPreparer,
    ChatResponseValidator,
    OpenAiChatHandler,
    GoogleChatHandler,
    ModelListService,
    { provide: ProviderClient, useFactory: () => new ProviderClient() },
    MediaInliner,
    GeminiCacheChanges,
    GeminiCacheRegistry,
    GeminiCacheMetering,
    GeminiContextCaches,
    GoogleCachesService,
  ],
})
export class InferenceModule {}
