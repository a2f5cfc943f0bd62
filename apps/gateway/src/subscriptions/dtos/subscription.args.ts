import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';

@ArgsType()
export class ComplaintUpdatedArgs {
  @Field(() => ID, { nullable: true, description: 'only complaints of this branch (one the subscriber reaches; otherwise NOT_FOUND)' })
  @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
}
