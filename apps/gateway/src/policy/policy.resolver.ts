import { Args, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { JSONScalar } from '../common/json.scalar';
import { TenantEntity } from '../../../../libs/persistence/src/entities';
import { TenantDto } from '../organisation/dtos/organisation.dto';
import { PolicyService } from './services/policy.service';

@Resolver(() => TenantDto)
export class PolicyResolver {
  constructor(private readonly policies: PolicyService) {}

  @Mutation(() => TenantDto, { description: 'HEAD_OFFICE: partial override of the preset; validated; a new policy version' })
  setPolicy(@CurrentPrincipal() p: Principal, @Args('overrides', { type: () => JSONScalar }) overrides: unknown): Promise<TenantEntity> {
    return this.policies.setPolicy(p, overrides);
  }

  @ResolveField(() => Int, { description: 'the version new complaints run under' })
  policyVersion(@Parent() t: TenantEntity): number {
    return t.currentPolicyVersion;
  }

  @ResolveField(() => JSONScalar, { description: 'the complete policy of the current version (preset merged with overrides)' })
  async policy(@Parent() t: TenantEntity): Promise<unknown> {
    return (await this.policies.policy(t.id)).document;
  }
}
