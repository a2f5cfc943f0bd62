import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsUUID } from 'class-validator';

@ObjectType('CustomerMessage')
export class CustomerMessageDto {
  @Field() id!: string;
  @Field({ description: 'ACKNOWLEDGEMENT, PROGRESS, RESULT, CALLBACK_APPOINTMENT' }) kind!: string;
  @Field({ description: 'SMS, WECHAT, EMAIL, or NONE when the customer has no reachable contact' }) channel!: string;
  @Field(() => String, { nullable: true, description: 'masked: 138****8000, z***@example.com' }) recipient!: string | null;
  @Field({ description: 'QUEUED, DELIVERED, FAILED, OPTED_OUT, NO_CONTACT' }) status!: string;
  @Field() body!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true, description: 'the provider\'s reason for the last failure' }) failureReason!: string | null;
  @Field({ description: 'not sent before this (quiet hours on the branch\'s clock, unless urgent)' }) notBefore!: Date;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => [String], { description: 'deadlines a delivery meets' }) meets!: string[];
}

@ArgsType()
export class OptOutArgs {
  @Field(() => ID, { description: 'a complaint of the customer: their contacts (mobile, e-mail, WeChat) opt out' })
  @IsUUID('all', { message: 'complaintId must be an id' }) complaintId!: string;

  @Field() @IsBoolean() optOut!: boolean;
}
