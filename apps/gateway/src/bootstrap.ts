import type { FastifyInstance } from 'fastify';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { GatewayConfig } from './common/gateway.config';
import { installGraphqlHttp } from './common/graphql-http';
import { resolveLimits } from './common/limits';
import { installRateLimits } from './common/rate-limit';
import { tokenVerifierFor } from './auth/token-verifier';
import { InputValidationPipe } from './common/validation.pipe';
import { installConsole } from './reports/export/console-static';
import { installStatusPage } from './status-page/status-page.route';
import { EXPORT_ROUTE } from './reports/export/report-export.route';
import { ATTACHMENT_ROUTES, installAttachments } from './attachments/attachments.route';
import { createLogger, nestLoggerFor, type Logger } from '../../../libs/observability/src/logger';
import { DATA_SOURCE } from './common/database.provider';
import { TemporalClientProvider } from './common/temporal.provider';
import { genReqId, installObservability } from './observability/http-observability';
import { GatewayMetrics } from './observability/metrics';
import { checkReadiness } from './observability/readiness';

const GRAPHQL_PATH = '/graphql';

/** Builds the gateway application (used by main.ts, the tests and the bench). */
export async function createGateway(config: GatewayConfig, opts: { logger?: Logger } = {}): Promise<NestFastifyApplication> {
  const limits = resolveLimits(config);
  // The JSON log (LOG_LEVEL); a test passes its own to read the lines.
  const logger = opts.logger ?? createLogger('gateway');
  // A larger body is answered 413 before it is parsed (a GraphQL-shaped error: see graphql-http.ts).
  // Each request's id is the caller's sane x-request-id or a new UUID (observability/request-context.ts).
  const adapter = new FastifyAdapter({ bodyLimit: limits.bodyLimitBytes, genReqId, requestIdHeader: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { logger: nestLoggerFor(logger) });
  app.useGlobalPipes(new InputValidationPipe());
  // On shutdown, a keep-alive connection whose request was in flight when close() began would stay
  // open for keepAliveTimeout (72 s) and hold the close: answer those requests with Connection: close.
  let closing = false;
  // (Nest's adapter ships its own copy of Fastify's types: the instance is the same at run time.)
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // One token verifier per gateway (identity providers' key sets cached): built here, so a bad configuration stops the start.
  const tokens = tokenVerifierFor(config);
  // Request ids, the request log, /metrics, /healthz and /readyz: before the limits, so a refused request is logged and counted too.
  installObservability(fastify, {
    logger, metrics: new GatewayMetrics(), tokens, graphqlPath: GRAPHQL_PATH, authenticatedRoutes: [EXPORT_ROUTE, ...ATTACHMENT_ROUTES],
    readiness: () => checkReadiness({ dataSource: app.get(DATA_SOURCE), temporal: app.get(TemporalClientProvider) }),
  });
  // Rate limits and the per-tenant concurrency limit, then GraphQL-over-HTTP request checks and media types.
  await installRateLimits(fastify, { path: GRAPHQL_PATH, alsoOn: [EXPORT_ROUTE, ...ATTACHMENT_ROUTES], tokens, limits });
  installGraphqlHttp(fastify, { path: GRAPHQL_PATH, maxQueryChars: limits.maxQueryChars });
  // The customer status page at /s/<token> (signed link, no login; its own per-link rate limit).
  installStatusPage(fastify, app, config);
  // The head-office console at /console (its static build, when built) and its .xlsx exports.
  await installConsole(fastify, app, config);
  // Complaint attachments: POST /attachments (multipart upload) and GET /attachments/:id, with the caller's bearer token.
  await installAttachments(fastify, app);
  app.enableShutdownHooks();
  return app;
}
