import { Field, Float, ObjectType } from '@nestjs/graphql';
import { CategoryEnum } from '../../common/enums.graphql';
import type { Category } from '../../../../../libs/domain/src/enums';

@ObjectType('TextTerms')
export class TextTermsDto {
  @Field(() => [String], { description: 'the group\'s own search terms, in order' }) terms!: string[];
}

@ObjectType('CategorySuggestion')
export class CategorySuggestionDto {
  @Field(() => CategoryEnum) category!: Category;
  @Field(() => Float, { description: 'the classifier\'s probability, 0..1' }) confidence!: number;
}
