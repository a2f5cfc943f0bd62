import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { MessageTemplateDto, MessageTemplateVariableDto } from './dtos/message-template.dto';
import { SetMessageTemplateArgs } from './dtos/message-template.input';
import { MessageTemplatesService } from './services/message-templates.service';

@Resolver()
export class MessageTemplatesResolver {
  constructor(private readonly service: MessageTemplatesService) {}

  @Mutation(() => MessageTemplateDto, {
    description: 'head office: saves the next version of a message template (unknown {{variables}}, an unclosed brace, a body over 500 or a subject over 100 characters are refused, naming the field); messages sent from now on use it',
  })
  setMessageTemplate(@CurrentPrincipal() p: Principal, @Args() a: SetMessageTemplateArgs): Promise<MessageTemplateDto> {
    return this.service.set(p, a.kind, a.subject, a.body);
  }

  @Query(() => [MessageTemplateDto], { description: 'staff: the current template of every message kind (the built-in Chinese default, version 0, until the group saves its own)' })
  messageTemplates(@CurrentPrincipal() p: Principal): Promise<MessageTemplateDto[]> {
    return this.service.list(p);
  }

  @Query(() => [MessageTemplateVariableDto], { description: 'staff: the variables a template may use as {{name}}, with what each is replaced with' })
  messageTemplateVariables(@CurrentPrincipal() p: Principal): MessageTemplateVariableDto[] {
    return this.service.variables(p);
  }
}
