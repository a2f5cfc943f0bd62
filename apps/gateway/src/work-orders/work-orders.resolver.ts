import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { NotFoundError } from '../common/app-error';
import { UserEntity } from '../../../../libs/persistence/src/entities';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import { toDto } from '../complaints/services/complaints.service';
import { UserDto } from '../organisation/dtos/organisation.dto';
import { OrganisationService } from '../organisation/services/organisation.service';
import {
  ContractorDto, ContractorScoreDto, CustomerSignatureDto, WorkOrderAttemptDto, WorkOrderDto, WorkOrderEventDto,
} from './dtos/work-order.dto';
import {
  CancelArgsInput, CompleteArgsInput, ContactArgsInput, ContractorsArgs, CreateContractorArgs, IssueWorkOrderArgs, MyWorkOrdersArgs,
  ReassignArgsInput, ReturnVisitArgsInput, ScorecardArgs, SetContractorTradesArgs, SignArgsInput, WorkOrderActionArgs, WorkOrderIdArgs,
  WorkOrdersArgs,
} from './dtos/work-order.input';
import { ContractorsService } from './services/contractors.service';
import { WorkOrdersService } from './services/work-orders.service';

const userOf = async (org: OrganisationService, ctx: object, tenantId: string, id: string): Promise<UserEntity> => {
  const u = await org.loaders(ctx, tenantId).users.load(id);
  if (!u) throw new NotFoundError('user');
  return u;
};

@Resolver(() => WorkOrderDto)
export class WorkOrdersResolver {
  constructor(private readonly service: WorkOrdersService, private readonly org: OrganisationService) {}

  @Query(() => WorkOrderDto, { nullable: true, description: 'NOT_FOUND outside the caller\'s reach (a contractor: only orders where they are the current contractor)' })
  workOrder(@CurrentPrincipal() p: Principal, @Args() { id }: WorkOrderIdArgs): Promise<WorkOrderDto> {
    return this.service.get(p, id);
  }

  @Query(() => [WorkOrderDto], { description: 'staff: work orders of the complaints they see, newest first' })
  workOrders(@CurrentPrincipal() p: Principal, @Args() a: WorkOrdersArgs): Promise<WorkOrderDto[]> {
    return this.service.list(p, a.filter, a.first ?? 50);
  }

  @Query(() => [WorkOrderDto], { description: 'CONTRACTOR: only their own (where they are the current contractor), newest first' })
  myWorkOrders(@CurrentPrincipal() p: Principal, @Args() a: MyWorkOrdersArgs): Promise<WorkOrderDto[]> {
    return this.service.mine(p, a.open ?? true);
  }

  @Query(() => [ContractorScoreDto], { description: 'per contractor, attempts started in the period ("2026-Q3", "2026-10", "2026"), in ranking order; staff scope' })
  contractorScorecard(@CurrentPrincipal() p: Principal, @Args() a: ScorecardArgs): Promise<ContractorScoreDto[]> {
    return this.service.scorecard(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'staff of the complaint\'s branch (or its handler) issue a work order to a CONTRACTOR of the branch' })
  issueWorkOrder(@CurrentPrincipal() p: Principal, @Args() a: IssueWorkOrderArgs): Promise<WorkOrderDto> {
    return this.service.issue(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'the contractor reached the customer and booked the visit' })
  recordContractorContact(@CurrentPrincipal() p: Principal, @Args() a: ContactArgsInput): Promise<WorkOrderDto> {
    return this.service.contact(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'the contractor is on site' })
  recordOnSite(@CurrentPrincipal() p: Principal, @Args() a: WorkOrderActionArgs): Promise<WorkOrderDto> {
    return this.service.onSite(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'work done: materials, the charge for a paid service, the customer\'s signature (a name, an optional image)' })
  completeWorkOrder(@CurrentPrincipal() p: Principal, @Args() a: CompleteArgsInput): Promise<WorkOrderDto> {
    return this.service.complete(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'the customer signs a completed order' })
  recordCustomerSignature(@CurrentPrincipal() p: Principal, @Args() a: SignArgsInput): Promise<WorkOrderDto> {
    return this.service.sign(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'staff give the job to another contractor, with a reason' })
  reassignWorkOrder(@CurrentPrincipal() p: Principal, @Args() a: ReassignArgsInput): Promise<WorkOrderDto> {
    return this.service.reassign(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'staff withdraw the order, with a reason' })
  cancelWorkOrder(@CurrentPrincipal() p: Principal, @Args() a: CancelArgsInput): Promise<WorkOrderDto> {
    return this.service.cancel(p, a);
  }

  @Mutation(() => WorkOrderDto, { description: 'staff record the return visit; unsatisfied reopens the order (a new attempt)' })
  recordReturnVisit(@CurrentPrincipal() p: Principal, @Args() a: ReturnVisitArgsInput): Promise<WorkOrderDto> {
    return this.service.returnVisit(p, a);
  }

  @ResolveField(() => ComplaintDto, { description: 'the contractor sees the job view (name, unit, phone; no timeline, no escalations)' })
  async complaint(@Context() ctx: object, @CurrentPrincipal() p: Principal, @Parent() w: WorkOrderDto): Promise<ComplaintDto> {
    return toDto(await this.service.complaintOf(ctx, w), p, w.complaintView);
  }

  @ResolveField(() => UserDto, { description: 'the current contractor' })
  contractor(@Context() ctx: object, @Parent() w: WorkOrderDto): Promise<UserEntity> {
    return userOf(this.org, ctx, w.tenantId, w.contractorId);
  }

  @ResolveField(() => CustomerSignatureDto, { nullable: true })
  signature(@Parent() w: WorkOrderDto): Promise<CustomerSignatureDto | null> {
    return this.service.signature(w);
  }

  @ResolveField(() => [WorkOrderEventDto], { description: 'oldest first; a contractor sees their own time on it, without staff\'s notes' })
  timeline(@Context() ctx: object, @CurrentPrincipal() p: Principal, @Parent() w: WorkOrderDto): Promise<WorkOrderEventDto[]> {
    return this.service.timeline(ctx, w, p);
  }
}

@Resolver(() => WorkOrderAttemptDto)
export class WorkOrderAttemptResolver {
  constructor(private readonly org: OrganisationService) {}

  @ResolveField(() => UserDto)
  contractor(@Context() ctx: object, @Parent() a: WorkOrderAttemptDto): Promise<UserEntity> {
    return userOf(this.org, ctx, a.tenantId, a.contractorId);
  }
}

@Resolver(() => WorkOrderEventDto)
export class WorkOrderEventResolver {
  constructor(private readonly org: OrganisationService) {}

  @ResolveField(() => UserDto, { nullable: true, description: 'who did it (none for the system\'s timers)' })
  actor(@Context() ctx: object, @Parent() e: WorkOrderEventDto): Promise<UserEntity | null> {
    return e.actorId ? this.org.loaders(ctx, e.tenantId).users.load(e.actorId) : Promise.resolve(null);
  }
}

@Resolver(() => ContractorScoreDto)
export class ContractorScoreResolver {
  constructor(private readonly org: OrganisationService) {}

  @ResolveField(() => UserDto)
  contractor(@Context() ctx: object, @Parent() s: ContractorScoreDto): Promise<UserEntity> {
    return userOf(this.org, ctx, s.tenantId, s.contractorId);
  }
}

@Resolver(() => ContractorDto)
export class ContractorsResolver {
  constructor(private readonly service: ContractorsService, private readonly org: OrganisationService) {}

  @Query(() => [ContractorDto], { description: 'staff: a branch\'s contractors (of a trade: in the list\'s order), or those of every branch in reach' })
  contractors(@CurrentPrincipal() p: Principal, @Args() a: ContractorsArgs): Promise<ContractorDto[]> {
    return this.service.list(p, a);
  }

  @Mutation(() => ContractorDto, { description: 'HEAD_OFFICE; COMPANY_MANAGER within their company; BRANCH_MANAGER for their branch' })
  createContractor(@CurrentPrincipal() p: Principal, @Args() a: CreateContractorArgs): Promise<ContractorDto> {
    return this.service.create(p, a);
  }

  @Mutation(() => ContractorDto, { description: 'replaces the contractor\'s trades and ranks' })
  setContractorTrades(@CurrentPrincipal() p: Principal, @Args() a: SetContractorTradesArgs): Promise<ContractorDto> {
    return this.service.setTrades(p, a);
  }

  @ResolveField(() => UserDto)
  user(@Context() ctx: object, @Parent() c: ContractorDto): Promise<UserEntity> {
    return userOf(this.org, ctx, c.tenantId, c.userId);
  }
}

/** A complaint's work orders, linked both ways. */
@Resolver(() => ComplaintDto)
export class ComplaintWorkOrdersResolver {
  constructor(private readonly service: WorkOrdersService) {}

  @ResolveField(() => [WorkOrderDto], { description: 'oldest first; a contractor sees only the orders where they are the current contractor' })
  workOrders(@Context() ctx: object, @CurrentPrincipal() p: Principal, @Parent() c: ComplaintDto): Promise<WorkOrderDto[]> {
    return this.service.forComplaint(ctx, p, c.id);
  }
}
