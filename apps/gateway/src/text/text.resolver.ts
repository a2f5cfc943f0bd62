import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { tenantOf } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import { CategorySuggestionDto, TextTermsDto } from './dtos/text.dto';
import { SetTextTermsArgs, SuggestCategoryArgs } from './dtos/text.input';
import { TextService } from './services/text.service';

@Resolver()
export class TextResolver {
  constructor(private readonly service: TextService) {}

  @Query(() => [CategorySuggestionDto], { description: 'the intake form\'s category suggestions for a description, best first (the group\'s own classifier; empty when it has nothing to go on)' })
  suggestCategory(@CurrentPrincipal() p: Principal, @Args() a: SuggestCategoryArgs): Promise<CategorySuggestionDto[]> {
    return this.service.suggest(tenantOf(p), a.text);
  }

  @Query(() => [String], { description: 'the group\'s own search terms (words the segmenter keeps whole: estate names, local words)' })
  textTerms(@CurrentPrincipal() p: Principal): Promise<string[]> {
    return this.service.listTerms(p);
  }

  @Mutation(() => TextTermsDto, { description: 'head office: replaces the group\'s search terms; complaints taken from now on are segmented with them' })
  async setTextTerms(@CurrentPrincipal() p: Principal, @Args() a: SetTextTermsArgs): Promise<TextTermsDto> {
    return { terms: await this.service.setTerms(p, a.terms) };
  }
}

/** A complaint's category suggestion. */
@Resolver(() => ComplaintDto)
export class ComplaintTextFieldsResolver {
  constructor(private readonly service: TextService) {}

  @ResolveField(() => CategorySuggestionDto, { nullable: true, description: 'what the group\'s classifier makes of the description (null when it has nothing to go on, or the caller sees only the job)' })
  async suggestedCategory(@CurrentPrincipal() p: Principal, @Parent() c: ComplaintDto): Promise<CategorySuggestionDto | null> {
    if (c.view !== 'FULL') return null;
    const [best] = await this.service.suggest(tenantOf(p), [c.description, c.demand, c.location].filter(Boolean).join('\n'));
    return best ?? null;
  }
}
