import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { NotFoundError } from '../common/app-error';
import { BranchEntity, ComplaintEntity, UserEntity } from '../../../../libs/persistence/src/entities';
import { BranchDto, UserDto } from '../organisation/dtos/organisation.dto';
import { OrganisationService } from '../organisation/services/organisation.service';
import { ComplaintConnectionDto, ComplaintDto, SpecialReportDto, TimelineEventDto } from './dtos/complaint.dto';
import {
  ActionIdArgs, CallbackArgsInput, ComplaintsArgs, DispatchArgsInput, FollowUpArgsInput, IdArgs, QueueArgs, ResolveArgsInput,
  SpecialReportArgsInput, SubmitComplaintInput, ValidityArgsInput, WithdrawArgsInput, MergeArgsInput, HandOverArgsInput,
} from './dtos/complaint.input';
import { viewShows } from '../../../../libs/domain/src/permissions/permission.util';
import { ComplaintsService, toDto } from './services/complaints.service';
import { FacilityRestoredArgsInput, ReclassifyArgsInput, UpdateFactsArgsInput } from './dtos/complaint.input';
import { AuditService } from '../audit/services/audit.service';

@Resolver(() => ComplaintDto)
export class ComplaintsResolver {
  constructor(private readonly service: ComplaintsService, private readonly org: OrganisationService, private readonly audit: AuditService) {}

  @Query(() => ComplaintDto, {
    nullable: true,
    description: 'NOT_FOUND when it does not exist or is outside the caller\'s reach (another tenant\'s included). '
      + 'Read by the head office (or a company manager through the company), it is recorded in the audit log first (COMPLAINT_READ).',
  })
  async complaint(@CurrentPrincipal() p: Principal, @Args() { id }: IdArgs): Promise<ComplaintDto | null> {
    const c = await this.service.get(p, id);
    // Never unaudited: when the entry cannot be written, the read fails (UNAVAILABLE).
    await this.audit.complaintRead(p, c);
    return toDto(c, p);
  }

  @Query(() => ComplaintConnectionDto)
  complaints(@CurrentPrincipal() p: Principal, @Args() a: ComplaintsArgs): Promise<ComplaintConnectionDto> {
    return this.service.list(p, a.filter, a.first ?? 20, a.after);
  }

  @Query(() => ComplaintConnectionDto, { description: 'dispatched to me / awaiting my action' })
  myQueue(@CurrentPrincipal() p: Principal, @Args() a: QueueArgs): Promise<ComplaintConnectionDto> {
    return this.service.queue(p, a.first ?? 20, a.after);
  }

  @Mutation(() => ComplaintDto)
  async submitComplaint(@CurrentPrincipal() p: Principal, @Args('input') input: SubmitComplaintInput): Promise<ComplaintDto> {
    return toDto(await this.service.submit(p, input), p);
  }

  @Mutation(() => ComplaintDto)
  async dispatchComplaint(@CurrentPrincipal() p: Principal, @Args() a: DispatchArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.dispatch(p, a), p);
  }

  @Mutation(() => ComplaintDto, { description: 'the assignee confirms receipt' })
  async acknowledgeComplaint(@CurrentPrincipal() p: Principal, @Args() a: ActionIdArgs): Promise<ComplaintDto> {
    return toDto(await this.service.acknowledge(p, a), p);
  }

  @Mutation(() => ComplaintDto)
  async recordFollowUp(@CurrentPrincipal() p: Principal, @Args() a: FollowUpArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.followUp(p, a), p);
  }

  @Mutation(() => ComplaintDto)
  async determineValidity(@CurrentPrincipal() p: Principal, @Args() a: ValidityArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.determineValidity(p, a), p);
  }

  @Mutation(() => ComplaintDto)
  async resolveComplaint(@CurrentPrincipal() p: Principal, @Args() a: ResolveArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.resolve(p, a), p);
  }

  @Mutation(() => ComplaintDto)
  async recordCallback(@CurrentPrincipal() p: Principal, @Args() a: CallbackArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.callback(p, a), p);
  }

  @Mutation(() => ComplaintDto)
  async withdrawComplaint(@CurrentPrincipal() p: Principal, @Args() a: WithdrawArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.withdraw(p, a), p);
  }

  @Mutation(() => ComplaintDto, { description: 'hot/major complaints: what happened, why, what prevents a repeat; required before archiving' })
  async submitSpecialReport(@CurrentPrincipal() p: Principal, @Args() a: SpecialReportArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.specialReport(p, a), p);
  }

  @Mutation(() => ComplaintDto, { description: 'staff correct the facts severity is judged by (at least one); severity follows upward by the policy\'s rules (SEVERITY_CHANGED names the rule)' })
  async updateComplaintFacts(@CurrentPrincipal() p: Principal, @Args() a: UpdateFactsArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.updateFacts(p, a), p);
  }

  @Mutation(() => ComplaintDto, { description: 'staff set the category and/or severity explicitly, with a reason (SEVERITY_CHANGED names the person)' })
  async reclassify(@CurrentPrincipal() p: Principal, @Args() a: ReclassifyArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.reclassify(p, a), p);
  }

  @Mutation(() => ComplaintDto, { description: 'the facility outage recorded at intake is over: its severity timer stops' })
  async recordFacilityRestored(@CurrentPrincipal() p: Principal, @Args() a: FacilityRestoredArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.facilityRestored(p, a), p);
  }

  @ResolveField(() => BranchDto)
  async branch(@Context() ctx: object, @Parent() c: ComplaintDto): Promise<BranchEntity> {
    const b = await this.org.loaders(ctx, c.tenantId).branches.load(c.branchId);
    if (!b) throw new NotFoundError('branch');
    return b;
  }

  @ResolveField(() => UserDto)
  async firstContactOwner(@Context() ctx: object, @Parent() c: ComplaintDto): Promise<UserEntity> {
    const u = await this.org.loaders(ctx, c.tenantId).users.load(c.firstContactOwnerId);
    if (!u) throw new NotFoundError('user');
    return u;
  }

  @Mutation(() => ComplaintDto, { description: 'same matter, same complainant: id becomes MERGED into intoId (same branch; an open complaint)' })
  async mergeComplaint(@CurrentPrincipal() p: Principal, @Args() a: MergeArgsInput): Promise<ComplaintDto> {
    return toDto(await this.service.merge(p, a), p);
  }

  @Mutation(() => ComplaintDto, { description: 'explicit, tracked change of who follows it through (首问责任制): to a colleague of its branch, with a note' })
  async handOver(@CurrentPrincipal() p: Principal, @Args() a: HandOverArgsInput): Promise<ComplaintDto> {
    const { complaint, ownerId } = await this.service.handOver(p, a);
    return { ...toDto(complaint, p), ownerId };
  }

  @ResolveField(() => UserDto, { description: 'who follows it through now: the first-contact owner until a hand-over' })
  async owner(@Context() ctx: object, @Parent() c: ComplaintDto): Promise<UserEntity> {
    const u = await this.org.loaders(ctx, c.tenantId).users.load(c.ownerId);
    if (!u) throw new NotFoundError('user');
    return u;
  }

  @ResolveField(() => ComplaintDto, { nullable: true, description: 'the complaint this one was merged into, when the caller may see it' })
  async mergedInto(@CurrentPrincipal() p: Principal, @Parent() c: ComplaintDto): Promise<ComplaintDto | null> {
    // A same-matter link: withheld from an outside firm's job view, like matterId.
    if (!c.mergedIntoId || !viewShows(c.view, 'matterId')) return null;
    const into = await this.service.find(p, c.mergedIntoId);
    return into ? toDto(into, p) : null;
  }

  @ResolveField(() => UserDto, { nullable: true })
  assignee(@Context() ctx: object, @Parent() c: ComplaintDto): Promise<UserEntity | null> {
    return c.assigneeId ? this.org.loaders(ctx, c.tenantId).users.load(c.assigneeId) : Promise.resolve(null);
  }

  @ResolveField(() => [TimelineEventDto], { description: 'empty for an outside contractor: it holds internal notes and reasons' })
  timeline(@Context() ctx: object, @Parent() c: ComplaintDto): Promise<TimelineEventDto[]> {
    if (!viewShows(c.view, 'timeline')) return Promise.resolve([]);
    return this.service.timeline(ctx, c.tenantId, c.id);
  }
}

@Resolver(() => SpecialReportDto)
export class SpecialReportResolver {
  constructor(private readonly org: OrganisationService) {}

  @ResolveField(() => UserDto)
  async submittedBy(@Context() ctx: object, @Parent() r: SpecialReportDto): Promise<UserEntity> {
    const u = await this.org.loaders(ctx, r.tenantId).users.load(r.submittedById);
    if (!u) throw new NotFoundError('user');
    return u;
  }
}
