import type { INestApplicationContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { AppError, BadUserInputError, ErrorCode, FieldIssue, NotFoundError } from '../../common/app-error';
import { formatGraphQLError } from '../../common/error-formatter';
import { REPORT_EXPORTS } from './report-exports';
import { reportWorkbook } from './workbook';

export const EXPORT_ROUTE = '/console/export/:file';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_PARAM_CHARS = 64;

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.QUERY_TOO_COMPLEX]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UNAVAILABLE]: 503,
};

interface ErrorBody {
  error: { code: string; message: string; fields?: FieldIssue[]; correlationId?: string };
}

type Formatted = { message: string; extensions?: { code?: string; fields?: FieldIssue[]; correlationId?: string } };
type RunGraphql = (source: string, context: object, variables: Record<string, unknown>) => Promise<ExecutionResult>;

/** A contract error (already formatted, or raw) as the route's JSON body and status. */
function errorReply(reply: FastifyReply, e: Formatted | GraphQLError | AppError): FastifyReply {
  const f: Formatted = e instanceof AppError
    ? { message: e.message, extensions: { code: e.code, ...(e.fields ? { fields: e.fields } : {}) } }
    : (e as Formatted).extensions?.code ? (e as Formatted) : formatGraphQLError(e as GraphQLError);
  const code = (f.extensions?.code ?? ErrorCode.INTERNAL) as ErrorCode;
  const body: ErrorBody = { error: { code, message: f.message } };
  if (f.extensions?.fields) body.error.fields = f.extensions.fields;
  if (f.extensions?.correlationId) body.error.correlationId = f.extensions.correlationId;
  return reply.code(STATUS[code] ?? 500).header('cache-control', 'no-store').send(body);
}

/** The query parameters of `report`: unknown, repeated, over-long or missing required ones are refused, naming the field. */
function readParams(query: Record<string, unknown>, spec: Record<string, boolean>): Record<string, string> {
  const issues: FieldIssue[] = [];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!(name in spec)) {
      issues.push({ field: name, message: `is not a parameter of this report (expected ${Object.keys(spec).join(', ') || 'none'})` });
    } else if (typeof value !== 'string') {
      issues.push({ field: name, message: 'must be given once' });
    } else if (value.length > MAX_PARAM_CHARS) {
      issues.push({ field: name, message: `must be at most ${MAX_PARAM_CHARS} characters` });
    } else if (value !== '') {
      out[name] = value;
    }
  }
  for (const [name, required] of Object.entries(spec)) if (required && !(name in out) && !issues.some((i) => i.field === name)) issues.push({ field: name, message: 'is required' });
  if (issues.length > 0) throw new BadUserInputError(issues);
  return out;
}

/**
 * GET /console/export/<report>.xlsx — a report as a spreadsheet, for the head-office console and
 * anyone with a token. Authenticated exactly like GraphQL (the same AuthService), then read through
 * the gateway's own GraphQL execution with that principal: the same resolvers, ReportsService,
 * argument checks, scope (a branch manager gets their branch; another tenant's ids are NOT_FOUND) and
 * error codes as the API. Errors are JSON `{ error: { code, message, fields? } }` with 401/403/404/400.
 */
export function installReportExport(fastify: FastifyInstance, app: INestApplicationContext): void {
  const auth = app.get(AuthService);
  fastify.get<{ Params: { file: string }; Querystring: Record<string, unknown> }>(EXPORT_ROUTE, async (req: FastifyRequest<{ Params: { file: string }; Querystring: Record<string, unknown> }>, reply) => {
    const match = /^([a-z-]+)\.xlsx$/.exec(req.params.file);
    const spec = match ? REPORT_EXPORTS[match[1]] : undefined;
    let principal: Principal;
    try {
      principal = await auth.authenticate(req);
    } catch (err) {
      if (err instanceof AppError) return errorReply(reply, err);
      throw err;
    }
    if (!match || !spec) {
      return errorReply(reply, new NotFoundError(`report "${req.params.file}" (reports: ${Object.keys(REPORT_EXPORTS).map((r) => `${r}.xlsx`).join(', ')})`));
    }
    const report = match[1];
    let params: Record<string, string>;
    try {
      params = readParams(req.query ?? {}, spec.params);
    } catch (err) {
      return errorReply(reply, err as AppError);
    }
    const graphql = (fastify as unknown as { graphql: RunGraphql }).graphql;
    let result: ExecutionResult;
    try {
      // The principal is on the context: the AuthGuard does not authenticate twice.
      result = await graphql(spec.query, { principal }, params);
    } catch (err) {
      // Parse/validation/variable errors (e.g. an ID that is not one): Mercurius throws them.
      return errorReply(reply, err as GraphQLError);
    }
    if (result.errors?.length) return errorReply(reply, result.errors[0] as unknown as Formatted);
    const sheet = spec.sheet(result.data as Record<string, unknown>, params);
    const scope = Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ') || '全部 all in reach';
    const body = await reportWorkbook(sheet, { generatedAt: new Date(), scope });
    const stamp = [report, ...Object.values(params)].join('-').replace(/[^A-Za-z0-9-]/g, '_');
    return reply
      .header('content-type', XLSX)
      .header('content-disposition', `attachment; filename="${stamp}.xlsx"`)
      .header('cache-control', 'private, no-store')
      .send(body);
  });
}
