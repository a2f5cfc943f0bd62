import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../../../libs/observability/src/logger';
import { requestToken } from '../auth/jwt.util';
import type { TokenVerifier } from '../auth/token-verifier';
import { graphqlOperationOf } from './graphql-operation.util';
import { errorCodesOf, GatewayMetrics } from './metrics';
import type { Readiness } from './readiness';
import { REQUEST_ID_HTTP_HEADER, resolveRequestId, runWithRequestId } from './request-context';

export const HEALTH_ROUTE = '/healthz';
export const READY_ROUTE = '/readyz';
export const METRICS_ROUTE = '/metrics';
// Probes and scrapes come every few seconds: their lines are debug, not info.
const PROBES = new Set([HEALTH_ROUTE, READY_ROUTE, METRICS_ROUTE]);

/** Fastify's `genReqId`: the request id is the caller's sane `x-request-id` or a new UUID (see request-context.ts). */
export const genReqId = (req: IncomingMessage): string => resolveRequestId(req.headers[REQUEST_ID_HTTP_HEADER]);

/**
 * Request ids, one JSON log line per request, Prometheus metrics and the health endpoints.
 * `/healthz`, `/readyz` and `/metrics` need no token and say nothing about any tenant; the rate
 * limits apply only to the routes they list (rate-limit.ts), not to these.
 */
export function installObservability(
  fastify: FastifyInstance,
  opts: {
    logger: Logger;
    metrics: GatewayMetrics;
    tokens: TokenVerifier;
    graphqlPath: string;
    /** Routes whose token the rate limits already checked: their log line names the tenant and user. */
    authenticatedRoutes: readonly string[];
    readiness: () => Promise<Readiness>;
  },
): void {
  const { logger, metrics } = opts;
  const authenticated = new Set([opts.graphqlPath, ...opts.authenticatedRoutes]);
  const errorCodes = new WeakMap<FastifyRequest, unknown[]>();

  // First of all hooks: the id is in the response header (errors included) and in the async context
  // of everything the request runs, so the Temporal client interceptor finds it.
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header(REQUEST_ID_HTTP_HEADER, req.id);
    runWithRequestId(req.id, done);
  });

  fastify.addHook('onSend', async (req, _reply, payload) => {
    if (req.routeOptions.url === opts.graphqlPath) errorCodes.set(req, errorCodesOf(payload));
    return payload;
  });

  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequest(req.method, route, reply.statusCode, seconds);
    const line: Record<string, unknown> = {
      requestId: req.id, method: req.method, route, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (route === opts.graphqlPath && !(req as FastifyRequest & { ws?: boolean }).ws) {
      const params = (req.method === 'POST' ? req.body : req.query) as { query?: unknown; operationName?: unknown } | undefined;
      const op = graphqlOperationOf(params?.query, params?.operationName);
      const codes = errorCodes.get(req) ?? [];
      metrics.graphqlRequest(op.type, codes, seconds);
      line.operationType = op.type;
      if (op.name) line.operationName = op.name;
      if (codes.length > 0) line.errorCodes = codes.filter((c) => typeof c === 'string').slice(0, 10);
    }
    if (authenticated.has(route) && req.headers.authorization) {
      // The check the rate limits made (cached per request): who, never the token.
      const checked = await requestToken(req, opts.tokens).catch(() => null);
      if (checked?.ok) {
        line.userId = checked.claims.sub;
        if (checked.claims.tid) line.tenantId = checked.claims.tid;
      }
    }
    const level = reply.statusCode >= 500 ? 'warn' : PROBES.has(route) ? 'debug' : 'info';
    logger[level](line, 'request completed');
  });

  fastify.get(HEALTH_ROUTE, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  fastify.get(READY_ROUTE, async (_req, reply) => {
    const { ready, checks } = await opts.readiness();
    reply.header('cache-control', 'no-store').code(ready ? 200 : 503);
    if (!ready) logger.warn({ failing: checks.filter((c) => !c.ok).map((c) => c.name) }, 'not ready');
    return ready ? { status: 'ready', checks } : { status: 'not ready', failing: checks.filter((c) => !c.ok).map((c) => c.name), checks };
  });

  fastify.get(METRICS_ROUTE, async (_req, reply) => {
    reply.header('cache-control', 'no-store').header('content-type', metrics.contentType);
    return metrics.render();
  });
}
