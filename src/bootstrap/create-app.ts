import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from '../app.module';
import { sendError } from '../http/errors/dialect-exception.filter';
import { jsonBodyMiddleware } from '../common/http/json-body.middleware';
import { requestIdOf } from '../common/http/request-context';
import type { Logger } from '../common/logging/logger';
import type { AppConfig } from '../config/config.types';
import { AuthService } from '../modules/auth/auth.service';
import { withRouteTable } from '../http/openapi/route-openapi';
import { ROUTE_TABLE } from '../http/route-table';
import { adminSecurityHeaders, docsSecurityHeaders } from './admin-security-headers';
import { installFastInferenceRoutes } from './fast-inference-routes';

/** Builds the HTTP application (used by main.ts and by the e2e tests). */
export async function createApp(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, logger), {
    bodyParser: false,
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('x-request-id', requestIdOf(req));
    next();
  });
  app.use('/admin', adminSecurityHeaders);
  app.use(['/docs', '/docs-json'], docsSecurityHeaders);
  app.use(jsonBodyMiddleware(config.maxBodyBytes, app.get(AuthService)));
  // Errors raised by middleware (body too large, invalid JSON) are rendered in the caller's dialect.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) =>
    sendError(req, res, err, logger),
  );
  const doc = new DocumentBuilder()
    .setTitle('Switchboard')
    .setDescription('Enterprise AI gateway: OpenAI, Anthropic and Google dialects; admin API')
    .setVersion('0.1.0')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'API key',
      description:
        'A Switchboard virtual API key (`sk-sb-…`, made with POST /admin/keys) or the master key, an opaque secret. Also accepted as `x-api-key`, `x-goog-api-key` or `?key=`.',
    })
    .build();
  // The admin side from its controllers, the dialect routes from the route table that serves them.
  SwaggerModule.setup(
    'docs',
    app,
    () => withRouteTable(SwaggerModule.createDocument(app, doc), ROUTE_TABLE),
    {
      jsonDocumentUrl: 'docs-json',
    },
  );
  if (config.role !== 'worker') {
    try {
      await app.init();
    } catch (err) {
      // The providers already hold Redis and Postgres connections: close them, or the process stays up.
      await app.close().catch(() => undefined);
      throw err;
    }
    installFastInferenceRoutes(app, config.maxBodyBytes, logger);
  }
  return app;
}
