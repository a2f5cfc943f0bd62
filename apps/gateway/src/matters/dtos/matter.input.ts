import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ActionIdArgs } from '../../complaints/dtos/complaint.input';

/** The most candidates one complaint lists. */
export const MAX_CANDIDATES = 20;

@ArgsType()
export class CandidatesArgs {
  @Field(() => Int, { nullable: true, defaultValue: 5 })
  @IsOptional() @IsInt() @Min(1, { message: 'first must be at least 1' }) @Max(MAX_CANDIDATES, { message: `first must be at most ${MAX_CANDIDATES}` })
  first?: number | null;
}

@ArgsType()
export class LinkSameMatterArgs extends ActionIdArgs {
  @Field(() => ID) @IsUUID('all', { message: 'otherId must be an id' }) otherId!: string;
}
