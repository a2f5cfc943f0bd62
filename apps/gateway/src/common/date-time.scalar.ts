import { CustomScalar, Scalar } from '@nestjs/graphql';
import { Kind, ValueNode } from 'graphql';
import { parseInstant } from '../../../../libs/domain/src/input/text.util';

/**
 * The contract's `DateTime`, parsed strictly: Nest's built-in one is `new Date(value)`, which
 * rolls 2026-02-30 over to 2 March and takes years like -271821. Here the string is checked before
 * it becomes a Date (a real calendar date and time, an offset when a time is given); GraphQL then
 * reports a refusal with the input path, e.g. `input.receivedAt`. Output is unchanged.
 */
/** A value a scalar cannot take; GraphQL wraps it with where it was, the formatter names that field. */
export class ScalarInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScalarInputError';
  }
}

@Scalar('DateTime', () => Date)
export class DateTimeScalar implements CustomScalar<string | null, Date> {
  // Not a GraphQLError, so that GraphQL adds where the value was (and the field can be named).
  // Nest's own description, so the generated SDL does not change.
  description = 'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.';

  parseValue(value: unknown): Date {
    if (typeof value !== 'string') throw new ScalarInputError('must be an ISO-8601 date-time string, e.g. 2026-03-01T09:30:00+08:00');
    const r = parseInstant(value);
    if (!r.ok) throw new ScalarInputError(r.reason);
    return r.value;
  }

  parseLiteral(ast: ValueNode): Date {
    if (ast.kind !== Kind.STRING) throw new ScalarInputError('must be an ISO-8601 date-time string, e.g. 2026-03-01T09:30:00+08:00');
    return this.parseValue(ast.value);
  }

  serialize(value: unknown): string | null {
    return value instanceof Date ? value.toISOString() : null;
  }
}
