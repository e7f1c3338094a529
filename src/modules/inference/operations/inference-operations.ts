import { Injectable } from '@nestjs/common';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ChatRequestPreparer } from '../chat-request-preparer';
import { ChatResponseValidator } from '../chat-response-validator';
import { AnthropicChatHandler } from '../anthropic-chat.handler';
import { GoogleChatHandler } from '../google-chat.handler';
import { OpenAiChatHandler } from '../openai-chat.handler';
import type { Operation, OperationName } from '../pipeline/operation';
import { GeminiCacheRegistry } from '../preparation/gemini-cache-registry';
import { anthropicCountTokensOperation } from './anthropic-count-tokens.operation';
import { speechOperation } from './audio-speech.operation';
import { transcriptionOperation } from './audio-transcription.operation';
import { cacheCreateOperation } from './cache-create.operation';
import { chatOperation } from './chat.operation';
import { completionsOperation } from './completions.operation';
import { embeddingsOperation } from './embeddings.operation';
import { googlePassthroughOperation } from './google-passthrough.operation';

/** Every metered operation, by name, built once with what its attempts need. */
@Injectable()
export class InferenceOperations {
  private readonly byName: Record<OperationName, Operation<unknown>>;

  constructor(
    client: ProviderClient,
    preparer: ChatRequestPreparer,
    validator: ChatResponseValidator,
    caches: GeminiCacheRegistry,
    openai: OpenAiChatHandler,
    google: GoogleChatHandler,
    anthropic: AnthropicChatHandler,
  ) {
    const chat = { client, preparer, validator, caches };
    this.byName = {
      'chat.completions': erased(chatOperation('chat.completions', openai, chat)),
      generateContent: erased(chatOperation('generateContent', google, chat)),
      completions: erased(completionsOperation(client, openai)),
      embeddings: erased(embeddingsOperation(client)),
      countTokens: erased(googlePassthroughOperation('countTokens', google, client, caches)),
      'google.embeddings': erased(googlePassthroughOperation('google.embeddings', google, client, caches)),
      'cachedContents.create': erased(cacheCreateOperation(client, caches)),
      messages: erased(chatOperation('messages', anthropic, chat)),
      'messages.countTokens': erased(anthropicCountTokensOperation(anthropic, client)),
      'audio.transcriptions': erased(transcriptionOperation('audio.transcriptions', client)),
      'audio.translations': erased(transcriptionOperation('audio.translations', client)),
      'audio.speech': erased(speechOperation(client)),
    };
  }

  get(name: OperationName): Operation<unknown> {
    return this.byName[name];
  }
}

/** An operation as the registry holds it: its request type is known only to its own members. */
function erased<R>(op: Operation<R>): Operation<unknown> {
  return op as unknown as Operation<unknown>;
}
