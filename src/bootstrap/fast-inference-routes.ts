import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { decorateRawRequest } from '../common/http/inference-request';
import { readJsonBody } from '../common/http/json-body';
import { queueHeader } from '../common/http/response-headers';
import { requestIdOf } from '../common/http/request-context';
import type { Logger } from '../common/logging/logger';
import { AuthService } from '../modules/auth/auth.service';
import { answerClientError } from '../http/errors/client-error';
import { sendError } from '../http/errors/dialect-exception.filter';
import { readMultipartBody } from '../http/multipart-body';
import { routeDispatch } from '../http/route-dispatch';
import { RouteMatcher, type RouteMatch } from '../http/route-matcher';
import { ROUTE_TABLE } from '../http/route-table';

/**
 * The dialect routes without Express or Nest's per-request pipeline: every route of the route table
 * (src/http/route-table.ts) is matched here, its body read as the entry says, and served by the metered
 * pipeline or its service; everything else (admin, health, metrics, docs, unknown routes) falls
 * through to the Nest application.
 */
export function installFastInferenceRoutes(
  app: INestApplication,
  maxBodyBytes: number,
  logger: Logger,
): void {
  const server = app.getHttpServer() as Server;
  const auth = app.get(AuthService);
  const matcher = new RouteMatcher(ROUTE_TABLE);
  const dispatch = routeDispatch(app);
  const [nestListener] = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  if (!nestListener) throw new Error('fast routes: the HTTP server has no request listener');

  const readBody = async (req: IncomingMessage, route: RouteMatch): Promise<unknown> => {
    try {
      if (route.entry.body === 'json') return await readJsonBody(req, maxBodyBytes);
      if (route.entry.body === 'multipart') return await readMultipartBody(req, maxBodyBytes);
      if (route.entry.body === 'json-or-multipart')
        return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')
          ? await readMultipartBody(req, maxBodyBytes)
          : await readJsonBody(req, maxBodyBytes);
      return undefined;
    } catch (err) {
      throw await auth.refusalFor(req, err);
    }
  };

  const serve = async (
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteMatch,
    path: string,
    search: string,
  ) => {
    const body = await readBody(req, route);
    await dispatch(route.entry, decorateRawRequest(req, route.params, body, path, search), res);
  };

  server.on('clientError', answerClientError);
  server.removeListener('request', nestListener);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const route = matcher.match(req.method, path);
    if (!route) return nestListener(req, res);
    queueHeader(res, 'x-request-id', requestIdOf(req));
    serve(req, res, route, path, q === -1 ? '' : url.slice(q + 1)).catch((err: unknown) =>
      sendError({ path, headers: req.headers, requestId: req.requestId }, res, err, logger),
    );
  });
}
