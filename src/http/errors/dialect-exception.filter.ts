import {
  ArgumentsHost,
  Catch,
  HttpException,
  Inject,
  NotFoundException,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { dialectOfPath } from '../../dialects/dialect';
import { renderErrorBody } from '../../dialects/error-bodies';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { GatewayError, type GatewayErrorCode } from '../../common/errors/gateway-error';
import { AuthService } from '../../modules/auth/auth.service';
import { toGatewayError } from '../../modules/inference/pipeline/provider-error.mapping';
import { requestIdOf } from '../../common/http/request-context';
import type { InferenceRequest } from '../../common/http/inference-request';
import { sendJson } from '../../common/http/send-json';
import type { ServerResponse } from 'node:http';

/** The one place errors become HTTP bodies: the dialect is chosen by the route prefix (contract §3). */
@Catch()
export class DialectExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly auth: AuthService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    // An unmatched inference route still authenticates first, so callers get 401 before 404.
    if (exception instanceof NotFoundException && isInferencePath(req.path)) {
      void this.auth.refusalFor(req, exception).then((err) => sendError(req, res, err, this.logger));
      return;
    }
    sendError(req, res, exception, this.logger);
  }
}

export function sendError(
  req: Pick<InferenceRequest, 'path' | 'headers' | 'requestId'>,
  res: ServerResponse,
  exception: unknown,
  logger?: Logger,
): void {
  const err = exception instanceof HttpException ? fromHttpException(exception) : toGatewayError(exception);
  const requestId = requestIdOf(req);
  if (err.status >= 500 && logger) {
    logger.error(
      {
        request_id: requestId,
        err:
          exception instanceof Error
            ? { name: exception.name, message: exception.message, stack: exception.stack }
            : String(exception),
      },
      'request failed',
    );
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(err.retryAfterSeconds));
  for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
  sendJson(res, err.status, renderErrorBody(dialectOfPath(req.path), err, requestId));
}

function isInferencePath(path: string): boolean {
  return !/^\/(admin|health|docs|metrics|ui)(\/|$|-)/.test(path);
}

const HTTP_CODES: Record<number, GatewayErrorCode> = {
  400: 'invalid_request',
  401: 'invalid_api_key',
  403: 'permission_denied',
  404: 'not_found',
  413: 'request_too_large',
  429: 'rate_limit_exceeded',
  503: 'service_unavailable',
};

/** Nest's own exceptions (unknown route, ValidationPipe) → GatewayError, keeping the field names. */
function fromHttpException(e: HttpException): GatewayError {
  const status = e.getStatus();
  const response = e.getResponse() as string | { message?: string | string[] };
  const raw = typeof response === 'string' ? response : response.message;
  const message = Array.isArray(raw) ? raw.join('; ') : (raw ?? e.message);
  const param = Array.isArray(raw) && raw.length > 0 ? raw[0].split(' ')[0] : undefined;
  return new GatewayError(
    HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request'),
    message,
    { status, param },
  );
}
