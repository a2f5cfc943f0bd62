import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuthService } from './auth.service';
import { Principal } from './principal';

const PUBLIC = 'auth:public';
/** Marks an operation that needs no token (only `health`). */
export const Public = (): MethodDecorator => SetMetadata(PUBLIC, true);

interface GqlContext {
  reply?: { request?: { headers: Record<string, string | undefined> } };
  req?: { headers: Record<string, string | undefined> };
  principal?: Principal;
}

/** Authenticates every GraphQL operation once per request and leaves the principal on the context. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
    if (!ctx.principal) {
      // The Fastify request itself: its token was already checked once for the rate limits.
      ctx.principal = await this.auth.authenticate(ctx.reply?.request ?? ctx.req ?? { headers: {} });
    }
    return true;
  }
}

/** The authenticated caller: the only source of tenant and role for resolvers. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
  return ctx.principal as Principal;
});
