import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MediaInliner } from '../media/media-inliner';
import { ProvidersModule } from '../providers/providers.module';
import { RoutingModule } from '../routing/routing.module';
import { UsageModule } from '../usage/usage.module';
import { AnthropicChatHandler } from './anthropic-chat.handler';
import { ChatRequestPreparer } from './chat-request-preparer';
import { ChatResponseValidator } from './chat-response-validator';
import { GoogleCachesService } from './google-caches.service';
import { GoogleChatHandler } from './google-chat.handler';
import { ModelListService } from './model-list.service';
import { OpenAiChatHandler } from './openai-chat.handler';
import { InferenceOperations } from './operations/inference-operations';
import { MeteredPipeline } from './pipeline/metered-pipeline';
import { OperationDispatcher } from './operations/operation-dispatcher';
import { GeminiCacheChanges } from './preparation/gemini-cache-changes';
import { GeminiCacheMetering } from './preparation/gemini-cache-metering';
import { GeminiCacheRegistry } from './preparation/gemini-cache-registry';
import { GeminiContextCaches } from './preparation/gemini-context-caches';
import { ResponsesChatHandler } from './responses-chat.handler';
import { ResponseStore } from './responses/response-store';
import { ResponsesService } from './responses/responses.service';

/** The dialect routes' services; the routes themselves are the route table's (src/http/route-table.ts). */
@Module({
  imports: [AuthModule, RoutingModule, UsageModule, ProvidersModule],
  exports: [OperationDispatcher, ModelListService, GoogleCachesService, ResponsesService],
  providers: [
    MeteredPipeline,
    InferenceOperations,
    OperationDispatcher,
    ChatRequestPreparer,
    ChatResponseValidator,
    OpenAiChatHandler,
    GoogleChatHandler,
    AnthropicChatHandler,
    ModelListService,
    MediaInliner,
    GeminiCacheChanges,
    GeminiCacheRegistry,
    GeminiCacheMetering,
    GeminiContextCaches,
    GoogleCachesService,
    ResponsesChatHandler,
    ResponseStore,
    ResponsesService,
  ],
})
export class InferenceModule {}
