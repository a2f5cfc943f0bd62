import { Logger } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode, FieldIssue, InternalError, RateLimitedError } from './app-error';
import { ScalarInputError } from './date-time.scalar';
import { GraphQLErrorLike, fieldsOfGraphQLError } from './graphql-error-fields';
import { isInfrastructureFailure } from './infrastructure-errors';

const logger = new Logger('GraphQL');

interface FormattedError {
  message: string;
  locations?: readonly unknown[];
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

type Chained = { originalError?: unknown; extensions?: Record<string, unknown>; errors?: unknown; statusCode?: number; name?: string; message?: string };

/** The error and what it wraps (Nest's and GraphQL's wrappers, Mercurius's validation error), outermost first. */
function chain(err: unknown): Chained[] {
  const out: Chained[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur as Chained);
    cur = (cur as Chained).originalError;
  }
  return out;
}

// Codes other parts of the gateway (the limits) put on GraphQL errors themselves; passed through.
const PASS_THROUGH = new Set<string>([ErrorCode.QUERY_TOO_COMPLEX, ErrorCode.RATE_LIMITED]);

function passThrough(errors: Chained[]): FormattedError | null {
  for (const e of errors) {
    const code = e.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      const extensions: Record<string, unknown> = { code };
      if (typeof e.extensions?.retryAfter === 'number') extensions.retryAfter = e.extensions.retryAfter;
      return { message: e.message ?? code, extensions };
    }
  }
  return null;
}

function badUserInput(base: Pick<FormattedError, 'locations' | 'path'>, inner: GraphQLErrorLike[]): FormattedError {
  const fields: FieldIssue[] = inner.flatMap(fieldsOfGraphQLError);
  const message = inner.length === 1 ? inner[0].message : `invalid input: ${inner.map((e) => e.message).join('; ')}`;
  return { message, ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, fields } };
}

/**
 * The one mapping from errors to the contract's `extensions.code`. Anything we did not
 * anticipate is logged here and reaches the client without internals (no stack, no SQL).
 * Every BAD_USER_INPUT names its field(s), GraphQL's own refusals included.
 */
export function formatGraphQLError(err: GraphQLError): FormattedError {
  const base = { locations: err.locations, path: err.path };
  const errors = chain(err);
  const app = errors.find((e): e is AppError & Chained => e instanceof AppError);
  if (app instanceof InternalError) return internal(base, app.causeError ?? app, app.message);
  if (app) {
    const extensions: Record<string, unknown> = { code: app.code };
    if (app.fields) extensions.fields = app.fields;
    if (app instanceof RateLimitedError) extensions.retryAfter = app.retryAfter;
    return { message: app.message, ...base, extensions };
  }
  // Mercurius wraps GraphQL's parse and validation errors (and variable coercion) in one
  // "Graphql validation error" whose `errors` are the real ones.
  const wrapped = errors.map((e) => e.errors).find((x): x is GraphQLErrorLike[] => Array.isArray(x) && x.length > 0);
  const limit = passThrough([...errors, ...((wrapped ?? []) as Chained[])]);
  if (limit) return { ...limit, ...base, extensions: limit.extensions };
  if (wrapped) return badUserInput(base, wrapped);
  // GraphQL's own errors raised while executing (argument coercion) carry no original error.
  // A scalar's refusal of an inline value comes wrapped the same way.
  if (!err.originalError || err.originalError instanceof GraphQLError || err.originalError instanceof ScalarInputError) return badUserInput(base, [err]);
  const original = err.originalError as Error & { statusCode?: number; code?: string; retryAfter?: unknown };
  if (original.statusCode === 429) {
    const extensions: Record<string, unknown> = { code: ErrorCode.RATE_LIMITED };
    if (typeof original.retryAfter === 'number') extensions.retryAfter = original.retryAfter;
    return { message: original.message, ...base, extensions };
  }
  if (original.name === 'FastifyError' || (original.statusCode !== undefined && original.statusCode >= 400 && original.statusCode < 500)) {
    return badUserInput(base, [original]);
  }
  if (!isInfrastructureFailure(original)) return internal(base, original, null);
  logger.warn(`dependency unavailable: ${original.message}`);
  return {
    message: 'a service the platform depends on is unavailable right now; it is safe to retry (with the same requestId for an action)',
    ...base,
    extensions: { code: ErrorCode.UNAVAILABLE },
  };
}

/** A defect: logged with a correlation id the client also gets; no internals reach the client. */
function internal(base: Pick<FormattedError, 'locations' | 'path'>, cause: unknown, what: string | null): FormattedError {
  const correlationId = randomUUID();
  const detail = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
  logger.error(`internal error ${correlationId}${what ? ` (${what})` : ''}: ${detail}`);
  return {
    message: `an internal error occurred; it has been logged as ${correlationId}`,
    ...base,
    extensions: { code: ErrorCode.INTERNAL, correlationId },
  };
}
