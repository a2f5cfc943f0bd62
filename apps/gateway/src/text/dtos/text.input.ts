import { ArgsType, Field } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Matches } from 'class-validator';
import { FreeText } from '../../common/input-rules';
import { REQUEST_ID } from '../../complaints/dtos/complaint.input';

/** The most terms a tenant keeps (they are matched in every complaint's text). */
export const MAX_TEXT_TERMS = 200;

@ArgsType()
export class SuggestCategoryArgs {
  @Field({ description: 'the complaint\'s description as typed so far (1..5000 chars)' }) @FreeText({ max: 5000 }) text!: string;
}

@ArgsType()
export class SetTextTermsArgs {
  @Field(() => [String], { description: `the whole list (it replaces the previous one): at most ${MAX_TEXT_TERMS} terms of 2..20 Chinese characters, letters or digits` })
  @IsArray() @ArrayMinSize(1, { message: 'terms lists at least one term' }) @ArrayMaxSize(MAX_TEXT_TERMS, { message: `terms lists at most ${MAX_TEXT_TERMS} terms` })
  terms!: string[];

  @Field(() => String, { nullable: true, description: 'the client\'s retry key (the same list again changes nothing either way)' })
  @IsOptional() @Matches(REQUEST_ID, { message: 'requestId must be 1 to 128 printable ASCII characters without spaces' }) requestId?: string | null;
}
