import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MESSAGE_KINDS } from '../../../../../libs/domain/src/notifications/template.util';
import type { MessageKind } from '../../../../../libs/domain/src/notifications/template.util';

export const MessageKindEnum = Object.fromEntries(MESSAGE_KINDS.map((k) => [k, k])) as { [K in MessageKind]: K };
registerEnumType(MessageKindEnum, {
  name: 'MessageKind',
  description: 'A message to the complainant: ACKNOWLEDGEMENT (at intake, with the reference and the status link), PROGRESS, RESULT (resolved), CALLBACK_APPOINTMENT',
});

@ObjectType('MessageTemplate', { description: 'The template messages of one kind are rendered with now: the group\'s newest version, or the built-in Chinese default (version 0)' })
export class MessageTemplateDto {
  @Field(() => MessageKindEnum) kind!: MessageKind;
  @Field(() => Int, { description: '0: the built-in default; each save adds the next version (messages record the version they used)' }) version!: number;
  @Field(() => Boolean, { description: 'true while the group has saved no template of this kind' }) isDefault!: boolean;
  @Field(() => String, { nullable: true, description: 'the e-mail subject and WeChat first line (SMS has none), with {{variables}}' }) subject!: string | null;
  @Field({ description: 'the message text, with {{variables}} (see messageTemplateVariables)' }) body!: string;
  @Field(() => [String], { description: 'the variables the subject and body use' }) variables!: string[];
  @Field(() => Date, { nullable: true, description: 'when this version was saved (null for the default)' }) createdAt!: Date | null;
}

@ObjectType('MessageTemplateVariable', { description: 'A variable a template may use as {{name}}' })
export class MessageTemplateVariableDto {
  @Field() name!: string;
  @Field({ description: 'what it is replaced with, in Chinese' }) description!: string;
}
