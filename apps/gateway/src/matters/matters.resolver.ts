import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import { IdArgs } from '../complaints/dtos/complaint.input';
import { toDto } from '../complaints/services/complaints.service';
import { MatterCandidateDto, MatterDto } from './dtos/matter.dto';
import { CandidatesArgs, LinkSameMatterArgs } from './dtos/matter.input';
import { MattersService } from './services/matters.service';

@Resolver(() => MatterDto)
export class MattersResolver {
  constructor(private readonly service: MattersService) {}

  @Query(() => MatterDto, { nullable: true, description: 'NOT_FOUND when the caller sees none of its complaints' })
  matter(@CurrentPrincipal() p: Principal, @Args() { id }: IdArgs): Promise<MatterDto> {
    return this.service.matter(p, id);
  }

  @Mutation(() => ComplaintDto, { description: 'staff of the branch: the two complaints become one matter (created, joined or merged)' })
  async linkSameMatter(@CurrentPrincipal() p: Principal, @Args() a: LinkSameMatterArgs): Promise<ComplaintDto> {
    return toDto(await this.service.link(p, a), p);
  }
}

/** The same-matter fields of a complaint. */
@Resolver(() => ComplaintDto)
export class ComplaintMatterFieldsResolver {
  constructor(private readonly service: MattersService) {}

  @ResolveField(() => [MatterCandidateDto], { description: 'complaints that may be the same matter, best first: same branch and category, within the policy\'s window, ranked by how alike their descriptions are, a shared unit, place or building, and closeness in time' })
  sameMatterCandidates(@CurrentPrincipal() p: Principal, @Parent() c: ComplaintDto, @Args() a: CandidatesArgs): Promise<MatterCandidateDto[]> {
    return this.service.candidates(p, c, a.first ?? 5);
  }
}
