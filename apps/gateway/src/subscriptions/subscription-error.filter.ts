import { ArgumentsHost, Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { formatGraphQLError } from '../common/error-formatter';

/**
 * A subscription refused at its start (NOT_FOUND branch, bad input, …) is sent by Mercurius as it
 * was thrown, without the error formatter: map it here so the client sees the contract's codes.
 */
@Catch()
export class SubscriptionErrorFilter implements GqlExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): GraphQLError {
    const err = exception instanceof GraphQLError
      ? exception
      : new GraphQLError(exception instanceof Error ? exception.message : 'subscription refused', { originalError: exception instanceof Error ? exception : undefined });
    const f = formatGraphQLError(err);
    return new GraphQLError(f.message, { extensions: f.extensions });
  }
}
