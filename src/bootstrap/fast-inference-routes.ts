import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { sendError } from '../http/errors/dialect-exception.filter';
import { decorateRawRequest } from '../common/http/inference-request';
import { readJsonBody } from '../common/http/json-body';
import { queueHeader } from '../common/http/response-headers';
import { requestIdOf } from '../common/http/request-context';
import type { Logger } from '../common/logging/logger';
import { AuthService } from '../modules/auth/auth.service';
import type { OperationName } from '../modules/inference/pipeline/operation';
import { OperationDispatcher } from '../modules/inference/pipeline/operation-dispatcher';

interface FastRoute {
  operation: OperationName;
  params: Record<string, string>;
}

const GOOGLE_MODEL_ROUTE = /^\/(?:gemini\/)?v1beta\/models\/([^/]+)$/;
const GOOGLE_CACHES_ROUTE = /^\/(?:gemini\/)?v1beta\/cachedContents$/;

/**
 * The inference hot path without Express or Nest's per-request pipeline: the few POST routes that
 * carry model traffic are matched here and handed to the metered pipeline directly; everything else (admin,
 * health, docs, unknown routes) falls through to the Nest application. The Nest controllers for the
 * same routes stay registered: they document the API and serve as the fallback.
 */
export function installFastInferenceRoutes(
  app: INestApplication,
  maxBodyBytes: number,
  logger: Logger,
): void {
  const server = app.getHttpServer() as Server;
  const inference = app.get(OperationDispatcher);
  const auth = app.get(AuthService);
  const [nestListener] = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  if (!nestListener) throw new Error('fast routes: the HTTP server has no request listener');

  const match = (method: string | undefined, path: string): FastRoute | undefined => {
    if (method !== 'POST') return undefined;
    if (path === '/v1/chat/completions' || path === '/chat/completions')
      return { operation: 'chat.completions', params: {} };
    if (path === '/v1/embeddings' || path === '/embeddings') return { operation: 'embeddings', params: {} };
    const g = GOOGLE_MODEL_ROUTE.exec(path);
    if (g) return { operation: inference.googleModelOperation(g[1]), params: { target: g[1] } };
    return GOOGLE_CACHES_ROUTE.test(path) ? { operation: 'cachedContents.create', params: {} } : undefined;
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
    await inference.serve(route.operation, decorateRawRequest(req, route.params, body, path, search), res);
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
