/** The error codes of the public contract (`extensions.code`). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  UNAVAILABLE = 'UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

/** A field-level input problem: `field` is the input path, e.g. "input.complainant.phone". */
export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * The base of every capability's exception. Services throw these (never HTTP exceptions);
 * the GraphQL error formatter maps them to the contract once, at the edge.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldIssue[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends AppError {
  constructor(fields: FieldIssue[]) {
    super(ErrorCode.BAD_USER_INPUT, `invalid input: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, fields);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'a valid bearer token is required') {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class UnavailableError extends AppError {
  constructor(message: string) {
    super(ErrorCode.UNAVAILABLE, `${message}; it is safe to retry (with the same requestId for an action)`);
  }
}

/**
 * A defect: never described as safe to retry. The formatter logs it with a correlation id that
 * the client also receives (`extensions.correlationId`), so support can find the log line.
 */
export class InternalError extends AppError {
  constructor(message: string, readonly causeError?: unknown) {
    super(ErrorCode.INTERNAL, message);
  }
}

/** A query beyond the depth, cost or alias limits; refused before it runs. */
export class QueryTooComplexError extends AppError {
  constructor(message: string) {
    super(ErrorCode.QUERY_TOO_COMPLEX, message);
  }
}

/** Too many requests from one user or tenant; `retryAfter` is in whole seconds. */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(ErrorCode.RATE_LIMITED, message);
  }
}
