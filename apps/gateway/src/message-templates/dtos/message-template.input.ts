import { ArgsType, Field } from '@nestjs/graphql';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { MESSAGE_KINDS } from '../../../../../libs/domain/src/notifications/template.util';
import type { MessageKind } from '../../../../../libs/domain/src/notifications/template.util';
import { FreeText } from '../../common/input-rules';
import { REQUEST_ID } from '../../complaints/dtos/complaint.input';
import { MessageKindEnum } from './message-template.dto';

// The wire limits are looser than the template rules (500 and 100 characters): the service checks
// those and names the variable or the length, which a generic length message would not.
const BODY_WIRE_MAX = 2000;
const SUBJECT_WIRE_MAX = 400;

@ArgsType()
export class SetMessageTemplateArgs {
  @Field(() => MessageKindEnum) @IsIn(MESSAGE_KINDS) kind!: MessageKind;

  @Field(() => String, { nullable: true, description: 'the e-mail subject and WeChat first line, at most 100 characters, one line (null: none)' })
  @IsOptional() @FreeText({ max: SUBJECT_WIRE_MAX, min: 0, singleLine: true }) subject?: string | null;

  @Field({ description: 'the message text, at most 500 characters (SMS length), with {{variables}} of messageTemplateVariables' })
  @FreeText({ max: BODY_WIRE_MAX }) body!: string;

  @Field(() => String, { nullable: true, description: 'the client\'s retry key: the same request again saves one version, not two' })
  @IsOptional() @Matches(REQUEST_ID, { message: 'requestId must be 1 to 128 printable ASCII characters without spaces' }) requestId?: string | null;
}
