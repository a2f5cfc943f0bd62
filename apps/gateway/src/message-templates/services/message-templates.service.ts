import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  TEMPLATE_VARIABLES, TEMPLATE_VARIABLE_NAMES, templateIssues, templateVariablesUsed,
} from '../../../../../libs/domain/src/notifications/template.util';
import type { MessageKind } from '../../../../../libs/domain/src/notifications/template.util';
import { STAFF_ROLES, holdsRole, organisationRefusal } from '../../../../../libs/domain/src/permissions/permission.util';
import { MessageTemplateRepository, MessageTemplateVersion } from '../../../../../libs/persistence/src/message-template.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { MessageTemplateDto, MessageTemplateVariableDto } from '../dtos/message-template.dto';

const toDto = (t: MessageTemplateVersion): MessageTemplateDto => ({
  kind: t.kind, version: t.version, isDefault: t.isDefault, subject: t.subject, body: t.body, createdAt: t.createdAt,
  variables: [...new Set([...templateVariablesUsed(t.subject ?? ''), ...templateVariablesUsed(t.body)])],
});

// Staff read the templates (what their customers are told); handlers, contractors and the platform operator do not.
function readerTenant(p: Principal): string {
  const tenantId = tenantOf(p);
  if (!holdsRole(p, STAFF_ROLES)) throw new ForbiddenError('message templates are for the group\'s staff');
  return tenantId;
}

/**
 * The group's templates of the messages its complainants receive: the head office saves a version
 * (checked: known variables only, SMS length); staff read the current ones. The worker renders each
 * message with the current version when the step that causes it commits.
 */
@Injectable()
export class MessageTemplatesService {
  private readonly templates: MessageTemplateRepository;

  constructor(@InjectDataSource() ds: DataSource) {
    this.templates = new MessageTemplateRepository(ds);
  }

  async set(p: Principal, kind: MessageKind, subject: string | null | undefined, body: string): Promise<MessageTemplateDto> {
    const refusal = organisationRefusal(p, 'SET_MESSAGE_TEMPLATE');
    if (refusal) throw new ForbiddenError(refusal);
    const tenantId = tenantOf(p);
    const issues = templateIssues(subject, body);
    if (issues.length) throw new BadUserInputError(issues);
    // A blank subject is no subject (SMS has none).
    const saved = await this.templates.save(tenantId, kind, subject == null || subject.trim() === '' ? null : subject, body, p.userId);
    return toDto(saved.template);
  }

  async list(p: Principal): Promise<MessageTemplateDto[]> {
    const tenantId = readerTenant(p);
    return (await this.templates.list(tenantId)).map(toDto);
  }

  variables(p: Principal): MessageTemplateVariableDto[] {
    readerTenant(p);
    return TEMPLATE_VARIABLE_NAMES.map((name) => ({ name, description: TEMPLATE_VARIABLES[name] }));
  }
}
