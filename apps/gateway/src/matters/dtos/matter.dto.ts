import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';

@ObjectType('MatterCandidate')
export class MatterCandidateDto {
  @Field(() => ComplaintDto) complaint!: ComplaintDto;
  @Field(() => Float, { description: '4 × text similarity (0..1) + ½ for the same unit or place or ¼ for the same building + up to ¼ for closeness in time' }) score!: number;
  @Field({ description: 'e.g. "same unit 3-101, 3 days apart, 82 % similar description"' }) reason!: string;
}

@ObjectType('Matter')
export class MatterDto {
  @Field(() => ID) id!: string;
  @Field(() => [ComplaintDto], { description: 'the complaints of the matter the caller may see' }) complaints!: ComplaintDto[];
  @Field(() => Int, { description: 'within the policy\'s window of the newest complaint' }) distinctComplainants!: number;
  @Field(() => Int, { description: 'within the policy\'s window of the newest complaint' }) distinctHouseholds!: number;
  @Field(() => String, { nullable: true, description: 'the policy rule that upgraded the matter, e.g. "COLLECTIVE_HOUSEHOLDS>=5"' }) firedRule!: string | null;
}
