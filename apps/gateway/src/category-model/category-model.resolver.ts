import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { CategoryModelInfoDto, RetrainCategoryModelArgs } from './dtos/category-model.dto';
import { CategoryModelService } from './category-model.service';

@Resolver(() => CategoryModelInfoDto)
export class CategoryModelResolver {
  constructor(private readonly service: CategoryModelService) {}

  @Query(() => CategoryModelInfoDto, {
    nullable: true,
    description: 'The tenant\'s category classifier as last trained, with its held-out accuracy (null before the first training). '
      + 'HEAD_OFFICE and COMPANY_MANAGER; others FORBIDDEN',
  })
  categoryModel(@CurrentPrincipal() p: Principal): Promise<CategoryModelInfoDto | null> {
    return this.service.current(p);
  }

  @Mutation(() => CategoryModelInfoDto, {
    description: 'Retrains the tenant\'s category classifier now on its confirmed complaints and answers the new version. HEAD_OFFICE only. '
      + 'The same requestId again runs it once. UNAVAILABLE when the engine is unreachable or the training outlasts the action timeout',
  })
  retrainCategoryModel(@CurrentPrincipal() p: Principal, @Args() a: RetrainCategoryModelArgs): Promise<CategoryModelInfoDto> {
    return this.service.retrain(p, a.requestId);
  }
}
