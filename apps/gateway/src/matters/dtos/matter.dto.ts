import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';

@ObjectType('MatterCandidate')
export class MatterCandidateDto {
  @Field(() => ComplaintDto) complaint!: ComplaintDto;
  @Field(() => Float, { description: 'same unit 3, same building 2, same place 1, plus up to 1 for closeness in time' }) score!: number;
  @Field({ description: 'e.g. "same unit 3-101, 2 days apart"' }) reason!: string;
}

@ObjectType('Matter')
export class MatterDto {
  @Field(() => ID) id!: string;
  @Field(() => [ComplaintDto], { description: 'the complaints of the matter the caller may see' }) complaints!: ComplaintDto[];
  @Field(() => Int, { description: 'within the policy\'s window of the newest complaint' }) distinctComplainants!: number;
  @Field(() => Int, { description: 'within the policy\'s window of the newest complaint' }) distinctHouseholds!: number;
  @Field(() => String, { nullable: true, description: 'the policy rule that upgraded the matter, e.g. "COLLECTIVE_HOUSEHOLDS>=5"' }) firedRule!: string | null;
}
