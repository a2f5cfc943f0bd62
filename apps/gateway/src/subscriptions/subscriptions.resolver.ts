import { Inject, UseFilters } from '@nestjs/common';
import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import { GATEWAY_CONFIG, GatewayConfig } from '../common/gateway.config';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import { EscalationDto } from '../escalations/dtos/escalation.dto';
import { ComplaintUpdatedArgs } from './dtos/subscription.args';
import { SubscriptionsService, SubscriptionContext } from './services/subscriptions.service';
import { SubscriptionErrorFilter } from './subscription-error.filter';
import { provideSubscriptionAuth } from './subscription-options';

const RECONNECT = 'After a reconnect, catch up: subscribe again first, then query `complaints(filter: { updatedSince: <the last update seen> })` '
  + '(and each complaint\'s timeline): notices sent while the connection was down are not replayed.';

@Resolver()
@UseFilters(SubscriptionErrorFilter)
export class SubscriptionsResolver {
  constructor(
    private readonly live: SubscriptionsService,
    auth: AuthService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    provideSubscriptionAuth(config, auth);
  }

  @Subscription(() => ComplaintDto, {
    name: 'complaintUpdated',
    description: 'Over graphql-ws (authorization in connection_init\'s payload: `{ authorization: "Bearer …" }`): each change to a complaint '
      + 'the subscriber may see (of `branchId` when given), as the subscriber may see it; roles are re-read while subscribed. ' + RECONNECT,
    resolve: (value: ComplaintDto) => value,
  })
  complaintUpdated(@CurrentPrincipal() p: Principal, @Context() ctx: SubscriptionContext, @Args() a: ComplaintUpdatedArgs): Promise<AsyncIterableIterator<unknown>> {
    return this.live.complaintUpdated(p, ctx, a.branchId);
  }

  @Subscription(() => EscalationDto, {
    name: 'escalationRaised',
    description: 'Over graphql-ws: each escalation raised to the subscriber (addressed to them, on a complaint they see), as `myEscalations` shows it. '
      + 'After a reconnect, catch up with `myEscalations(open: true)`.',
    resolve: (value: EscalationDto) => value,
  })
  escalationRaised(@CurrentPrincipal() p: Principal, @Context() ctx: SubscriptionContext): AsyncIterableIterator<unknown> {
    return this.live.escalationRaised(p, ctx);
  }
}
