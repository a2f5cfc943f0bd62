import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { GraphQLResolveInfo, getNamedType } from 'graphql';
import { Observable, catchError, from, mergeMap, throwError } from 'rxjs';
import { Principal } from '../auth/principal';
import { AuditService, MutationCall } from './services/audit.service';

/**
 * Records every top-level GraphQL mutation by an authenticated caller in the audit log, once it has
 * completed or failed, before the response leaves. Queries and nested fields pass through untouched.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType.name !== 'Mutation') return next.handle();
    const principal = gql.getContext<{ principal?: Principal }>().principal;
    if (!principal) return next.handle();
    const call: MutationCall = { name: info.fieldName, returnType: getNamedType(info.returnType).name, args: gql.getArgs<Record<string, unknown>>() ?? {} };
    return next.handle().pipe(
      // audit.mutation never throws: the caller gets the action's own outcome either way.
      catchError((error: unknown) => from(this.audit.mutation(principal, call, { ok: false, error })).pipe(mergeMap(() => throwError(() => error)))),
      mergeMap(async (result: unknown) => {
        await this.audit.mutation(principal, call, { ok: true, result });
        return result;
      }),
    );
  }
}
