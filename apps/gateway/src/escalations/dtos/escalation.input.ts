import { ArgsType, Field } from '@nestjs/graphql';
import { IsBoolean, IsOptional } from 'class-validator';

@ArgsType()
export class MyEscalationsArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'true: only those still waiting for an acknowledgement (neither acknowledged nor superseded)' })
  @IsOptional() @IsBoolean({ message: 'open must be true or false' }) open?: boolean | null = true;
}
