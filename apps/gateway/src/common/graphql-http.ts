import { Negotiator } from '@fastify/accept-negotiator';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { BadUserInputError, ErrorCode } from './app-error';
import { isTokenLimitError, queryTooComplex } from './limits';

/**
 * GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/), on top of Mercurius:
 * content negotiation between `application/graphql-response+json` and `application/json`, the
 * status codes that go with each, and request-parameter checks. `test/limits.e2e-spec.ts`
 * runs the `graphql-http` server audit against the real gateway.
 */

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const JSON_TYPE = 'application/json';
const negotiator = new Negotiator({ supportedValues: [GRAPHQL_RESPONSE_JSON, JSON_TYPE] });

/** The media type of the response: `application/graphql-response+json` only when the client asks for it. */
export function responseMediaType(accept: string | undefined): typeof GRAPHQL_RESPONSE_JSON | typeof JSON_TYPE {
  if (!accept) return JSON_TYPE;
  return negotiator.negotiate(accept) === GRAPHQL_RESPONSE_JSON ? GRAPHQL_RESPONSE_JSON : JSON_TYPE;
}

/** A request-level error (bad parameters): answered 4xx whatever the media type, since no GraphQL request was made. */
function requestError(field: string, message: string): BadUserInputError & { statusCode: number } {
  return Object.assign(new BadUserInputError([{ field, message }]), { statusCode: 400 });
}

const isMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the request parameters before Mercurius sees them: `query` a string (and not longer than
 * the limit), `variables` and `extensions` maps, `operationName` a string; `null` counts as absent.
 */
function checkParameters(params: Record<string, unknown>, maxQueryChars: number, fromQueryString: boolean): void {
  for (const key of ['extensions', 'variables', 'operationName']) if (params[key] === null) delete params[key];
  if (params.query === undefined || params.query === null) throw requestError('query', 'is required: the GraphQL document to run');
  if (typeof params.query !== 'string') throw requestError('query', 'must be a string holding a GraphQL document');
  if (params.operationName !== undefined && typeof params.operationName !== 'string') throw requestError('operationName', 'must be a string');
  for (const key of ['variables', 'extensions']) {
    const v = params[key];
    if (v === undefined) continue;
    if (fromQueryString) {
      if (typeof v !== 'string') throw requestError(key, 'must be a JSON object');
    } else if (!isMap(v)) throw requestError(key, 'must be a JSON object');
  }
  if (params.query.length > maxQueryChars) {
    throw queryTooComplex(`query length ${params.query.length} characters exceeds the limit of ${maxQueryChars}`);
  }
}

/** Installs the request checks and the response media type on the GraphQL route. */
export function installGraphqlHttp(fastify: FastifyInstance, opts: { path: string; maxQueryChars: number }): void {
  const isGraphqlRoute = (req: FastifyRequest): boolean => req.routeOptions.url === opts.path;
  fastify.addHook('preValidation', async (req) => {
    if (!isGraphqlRoute(req)) return;
    if (req.method === 'POST') {
      if (!isMap(req.body)) throw requestError('body', 'must be a JSON object with a "query" (batched requests are not accepted)');
      checkParameters(req.body as Record<string, unknown>, opts.maxQueryChars, false);
    } else if (req.method === 'GET' && !(req as FastifyRequest & { ws?: boolean }).ws) {
      // (A WebSocket upgrade on the same path is graphql-ws: subscriptions/, checked per message.)
      checkParameters(req.query as Record<string, unknown>, opts.maxQueryChars, true);
    }
  });
  fastify.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload) => {
    if (!isGraphqlRoute(req)) return payload;
    const current = String(reply.getHeader('content-type') ?? '');
    if (current.startsWith(JSON_TYPE) && responseMediaType(req.headers.accept) === GRAPHQL_RESPONSE_JSON) {
      reply.header('content-type', `${GRAPHQL_RESPONSE_JSON}; charset=utf-8`);
    }
    return payload;
  });
}

interface Execution {
  data?: unknown;
  errors?: readonly unknown[];
}

interface Formatted {
  message: string;
  extensions: Record<string, unknown>;
}

type StatusCarrier = { statusCode?: unknown; errors?: unknown; originalError?: unknown };

function statusOf(err: unknown): number | undefined {
  const s = (err as StatusCarrier | null)?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : undefined;
}

/**
 * Mercurius hands the error formatter its own wrappers (MER_ERR_GQL_VALIDATION with the GraphQL
 * errors inside, Fastify's errors for bodies it cannot read). This tells, for each error, the HTTP
 * status it calls for when it is a request-level error (not a GraphQL document error). A wrapper
 * stays whole (the error formatter merges its field errors into one BAD_USER_INPUT), except that
 * complexity limits are listed one by one, so every limit exceeded is named.
 */
function classify(errors: readonly unknown[], tokenLimit: number): { error: GraphQLError; requestStatus?: number }[] {
  const out: { error: GraphQLError; requestStatus?: number }[] = [];
  for (const raw of errors) {
    const e = (raw instanceof GraphQLError ? raw : new GraphQLError(String((raw as Error)?.message ?? raw), { originalError: raw as Error })) as GraphQLError;
    const original = (e.originalError ?? undefined) as StatusCarrier | undefined;
    const inner = original && Array.isArray(original.errors) ? (original.errors as unknown[]) : null;
    if (inner) {
      const documentErrors = inner.every((i) => i instanceof GraphQLError);
      if (!documentErrors) {
        out.push({ error: e, requestStatus: statusOf(original) ?? 400 });
        continue;
      }
      // The parser's own token limit is a complexity limit, not a syntax error.
      const limits = (inner as GraphQLError[])
        .map((i) => (isTokenLimitError(i.message) ? queryTooComplex(`query token count exceeds the limit of ${tokenLimit}`) : i))
        .filter((i) => i.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX);
      if (limits.length > 0) out.push(...limits.map((error) => ({ error })));
      else out.push({ error: e });
      continue;
    }
    out.push({ error: e, requestStatus: statusOf(original) ?? statusOf(raw) });
  }
  return out;
}

/**
 * The one response shape and status of the gateway (Mercurius's `errorFormatter`):
 * - a request-level error (bad body or parameters, too large, wrong method): its 4xx, whatever is accepted;
 * - RATE_LIMITED: 429 (the `retry-after` header is set where it was raised);
 * - a GraphQL request error (parse, validation incl. QUERY_TOO_COMPLEX, variable coercion; nothing ran):
 *   400 and no `data` for `application/graphql-response+json`, 200 with `data: null` for `application/json`;
 * - an execution result, with or without field errors: 200.
 */
export function graphqlHttpResponse(
  execution: Execution,
  context: { reply?: { request?: { headers?: Record<string, unknown> } } } | undefined,
  format: (e: GraphQLError) => Formatted,
  tokenLimit: number,
): { statusCode: number; response: Record<string, unknown> } {
  const flat = classify(execution.errors ?? [], tokenLimit);
  const errors = flat.map((f) => format(f.error));
  const accept = context?.reply?.request?.headers?.accept;
  const mediaType = responseMediaType(typeof accept === 'string' ? accept : undefined);
  const executed = execution.data !== undefined;
  let statusCode = 200;
  const requestStatus = flat.find((f) => f.requestStatus !== undefined)?.requestStatus;
  if (errors.some((e) => e.extensions.code === ErrorCode.RATE_LIMITED)) statusCode = 429;
  else if (!executed && requestStatus !== undefined) statusCode = requestStatus;
  else if (!executed && mediaType === GRAPHQL_RESPONSE_JSON) statusCode = 400;
  const response: Record<string, unknown> = { errors };
  if (executed) response.data = execution.data ?? null;
  else if (mediaType === JSON_TYPE && statusCode === 200) response.data = null;
  return { statusCode, response };
}
