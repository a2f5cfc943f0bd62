import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode, FieldIssue, RateLimitedError } from './app-error';
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
  if (!isInfrastructureFailure(original)) logger.error(`unexpected error: ${original.stack ?? original.message}`);
  else logger.warn(`dependency unavailable: ${original.message}`);
  return {
    message: 'the service could not complete the request right now; it is safe to retry',
    ...base,
    extensions: { code: ErrorCode.UNAVAILABLE },
  };
}
