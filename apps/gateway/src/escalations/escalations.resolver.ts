import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import { ActionIdArgs } from '../complaints/dtos/complaint.input';
import { toDto } from '../complaints/services/complaints.service';
import { UserEntity } from '../../../../libs/persistence/src/entities';
import { UserDto } from '../organisation/dtos/organisation.dto';
import { OrganisationService } from '../organisation/services/organisation.service';
import { EscalationDto } from './dtos/escalation.dto';
import { MyEscalationsArgs } from './dtos/escalation.input';
import { EscalationsService } from './services/escalations.service';

@Resolver(() => EscalationDto)
export class EscalationsResolver {
  constructor(private readonly service: EscalationsService, private readonly org: OrganisationService) {}

  @Query(() => [EscalationDto], { description: 'escalations addressed to me, newest first' })
  myEscalations(@CurrentPrincipal() p: Principal, @Args() a: MyEscalationsArgs): Promise<EscalationDto[]> {
    return this.service.mine(p, a.open ?? true);
  }

  @Mutation(() => ComplaintDto, {
    description: 'a user the escalation is addressed to acknowledges it while it is the open level; idempotent (the first acknowledgement stands)',
  })
  async acknowledgeEscalation(@CurrentPrincipal() p: Principal, @Args() a: ActionIdArgs): Promise<ComplaintDto> {
    return toDto(await this.service.acknowledge(p, a.id, a.requestId), p);
  }

  @ResolveField(() => [UserDto])
  async notifiedUsers(@Context() ctx: object, @Parent() e: EscalationDto): Promise<UserEntity[]> {
    const users = await Promise.all(e.notifiedUserIds.map((id) => this.org.loaders(ctx, e.tenantId).users.load(id)));
    return users.filter((u): u is UserEntity => u !== null);
  }

  @ResolveField(() => UserDto, { nullable: true })
  async acknowledgedBy(@Context() ctx: object, @Parent() e: EscalationDto): Promise<UserEntity | null> {
    return e.acknowledgedById ? this.org.loaders(ctx, e.tenantId).users.load(e.acknowledgedById) : null;
  }
}

/** A complaint's escalations: who was notified, when, and who acknowledged. */
@Resolver(() => ComplaintDto)
export class ComplaintEscalationsResolver {
  constructor(private readonly service: EscalationsService) {}

  @ResolveField(() => [EscalationDto], { description: 'every level raised, oldest first (none in the job view)' })
  escalations(@Parent() c: ComplaintDto): Promise<EscalationDto[]> {
    return this.service.forComplaint(c);
  }
}
