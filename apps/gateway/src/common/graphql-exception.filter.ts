import { ArgumentsHost, Catch } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';

/**
 * Hands every resolver error to GraphQL unchanged, where the one error formatter maps it to the
 * contract (and logs what was unexpected). Without it Nest logs each expected domain error too.
 */
@Catch()
export class GraphQLPassThroughFilter implements GqlExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): unknown {
    return exception;
  }
}
