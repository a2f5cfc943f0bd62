import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, Matches } from 'class-validator';
import type { Category } from '../../../../../libs/domain/src/enums';
import { CategoryEnum } from '../../common/enums.graphql';
import { REQUEST_ID } from '../../complaints/dtos/complaint.input';

@ObjectType('CategoryModelCategory', { description: 'One category\'s held-out complaints and how many of them the model classified right' })
export class CategoryModelCategoryDto {
  @Field(() => CategoryEnum) category!: Category;
  @Field(() => Int, { description: 'held-out confirmed complaints of this category' }) samples!: number;
  @Field(() => Int, { description: 'of them, how many the model\'s top suggestion got right' }) correct!: number;
  @Field(() => Float, { nullable: true, description: 'correct / samples (null: none of this category was held out)' }) accuracy!: number | null;
}

@ObjectType('CategoryModelInfo', {
  description: 'The tenant\'s category classifier as last trained (nightly at 03:00 Asia/Shanghai, or on demand by head office) on the '
    + 'tenant\'s own confirmed complaints, with its accuracy on the held-out fifth',
})
export class CategoryModelInfoDto {
  @Field(() => Int, { description: 'the version; each training writes the next one (the newest 10 are kept)' }) version!: number;
  @Field() trainedAt!: Date;
  @Field(() => Int, { description: 'confirmed complaints it learnt from (0: too few yet, the keyword lexicon alone decides)' }) trainedOn!: number;
  @Field(() => Int, { description: 'confirmed complaints held out to measure it' }) heldOut!: number;
  @Field(() => Float, { nullable: true, description: 'top-1 accuracy on the held-out complaints, 0..1 (null: none held out)' }) accuracy!: number | null;
  @Field(() => [CategoryModelCategoryDto], { description: 'per category, every category in order' }) perCategory!: CategoryModelCategoryDto[];
}

@ArgsType()
export class RetrainCategoryModelArgs {
  @Field(() => String, {
    nullable: true,
    description: "the client's retry key (1–128 printable ASCII characters, e.g. a UUID): the same requestId again runs the training once and returns its outcome",
  })
  @IsOptional() @Matches(REQUEST_ID, { message: 'requestId must be 1 to 128 printable ASCII characters without spaces' }) requestId?: string | null;
}
