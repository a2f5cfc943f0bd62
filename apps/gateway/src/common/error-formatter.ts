import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode } from './app-error';
import { isInfrastructureFailure } from './infrastructure-errors';

const logger = new Logger('GraphQL');

interface FormattedError {
  message: string;
  locations?: readonly unknown[];
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

/** Finds our AppError behind Nest's and GraphQL's wrappers. */
function unwrap(err: unknown): unknown {
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    if (cur instanceof AppError) return cur;
    const next = (cur as { originalError?: unknown }).originalError;
    if (!next) break;
    cur = next;
  }
  return cur;
}

/**
 * The one mapping from errors to the contract's `extensions.code`. Anything we did not
 * anticipate is logged here and reaches the client without internals (no stack, no SQL).
 */
export function formatGraphQLError(err: GraphQLError): FormattedError {
  const base = { locations: err.locations, path: err.path };
  const inner = unwrap(err);
  if (inner instanceof AppError) {
    const extensions: Record<string, unknown> = { code: inner.code };
    if (inner.fields) extensions.fields = inner.fields;
    return { message: inner.message, ...base, extensions };
  }
  // GraphQL's own parse and validation errors carry no original error: the request was malformed.
  if (!err.originalError || (err.originalError as { name?: string }).name === 'GraphQLError') {
    const code = (err.extensions?.code as string | undefined) ?? '';
    if (code === ErrorCode.QUERY_TOO_COMPLEX) return { message: err.message, ...base, extensions: { code } };
    return { message: err.message, ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [] } };
  }
  const original = err.originalError as Error & { statusCode?: number; code?: string };
  if (original.name === 'FastifyError' || original.statusCode === 400) {
    return { message: original.message, ...base, extensions: { code: ErrorCode.BAD_USER_INPUT, fields: [] } };
  }
  if (!isInfrastructureFailure(original)) logger.error(`unexpected error: ${original.stack ?? original.message}`);
  else logger.warn(`dependency unavailable: ${original.message}`);
  return {
    message: 'the service could not complete the request right now; it is safe to retry',
    ...base,
    extensions: { code: ErrorCode.UNAVAILABLE },
  };
}
