import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { sendError } from '../common/errors/dialect-exception.filter';
import { decorateRawRequest } from '../common/http/inference-request';
import { readJsonBody } from '../common/http/json-body';
import { queueHeader } from '../common/http/response-headers';
import { requestIdOf } from '../common/http/request-context';
import type { Logger } from '../common/logging/logger';
import type { ChatDialectHandler } from '../modules/inference/chat-dialect';
import { AuthService } from '../modules/auth/auth.service';
import { ChatService } from '../modules/inference/chat.service';
import { GoogleChatHandler } from '../modules/inference/google-chat.handler';
import { OpenAiChatHandler } from '../modules/inference/openai-chat.handler';
import { OpenAiEmbeddingsHandler } from '../modules/inference/openai-embeddings.handler';

interface FastRoute {
  handler: ChatDialectHandler;
  endpoint: string;
  params: Record<string, string>;
}

const GOOGLE_MODEL_ROUTE = /^\/(?:gemini\/)?v1beta\/models\/([^/]+)$/;

/**
 * The inference hot path without Express or Nest's per-request pipeline: the few POST routes that
 * carry model traffic are matched here and handed to ChatService directly; everything else (admin,
 * health, docs, unknown routes) falls through to the Nest application. The Nest controllers for the
 * same routes stay registered: they document the API and serve as the fallback.
 */
export function installFastInferenceRoutes(
  app: INestApplication,
  maxBodyBytes: number,
  logger: Logger,
): void {
  const server = app.getHttpServer() as Server;
  const chat = app.get(ChatService);
  const auth = app.get(AuthService);
  const openai = app.get(OpenAiChatHandler);
  const google = app.get(GoogleChatHandler);
  const embeddings = app.get(OpenAiEmbeddingsHandler);
  const [nestListener] = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  if (!nestListener) throw new Error('fast routes: the HTTP server has no request listener');

  const match = (method: string | undefined, path: string): FastRoute | undefined => {
    if (method !== 'POST') return undefined;
    if (path === '/v1/chat/completions' || path === '/chat/completions')
      return { handler: openai, endpoint: 'chat.completions', params: {} };
    if (path === '/v1/embeddings' || path === '/embeddings')
      return { handler: embeddings, endpoint: 'embeddings', params: {} };
    const g = GOOGLE_MODEL_ROUTE.exec(path);
    return g ? { handler: google, endpoint: 'generateContent', params: { target: g[1] } } : undefined;
  };

  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    route: FastRoute,
    path: string,
    search: string,
  ) => {
    let body: unknown;
    try {
      body = await readJsonBody(req, maxBodyBytes);
    } catch (err) {
      throw await auth.refusalFor(req, err);
    }
    await chat.handle(
      decorateRawRequest(req, route.params, body, path, search),
      res,
      route.handler,
      route.endpoint,
    );
  };

  server.removeListener('request', nestListener);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const route = match(req.method, path);
    if (!route) return nestListener(req, res);
    queueHeader(res, 'x-request-id', requestIdOf(req));
    serve(req, res, route, path, q === -1 ? '' : url.slice(q + 1)).catch((err: unknown) =>
      sendError({ path, headers: req.headers, requestId: req.requestId }, res, err, logger),
    );
  });
}
