import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { AuditEntryConnectionDto, AuditEntryDto } from './dtos/audit.dto';
import { AuditLogArgs } from './dtos/audit.input';
import { AuditService } from './services/audit.service';

@Resolver(() => AuditEntryDto)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditEntryConnectionDto, {
    description: 'HEAD_OFFICE: this group\'s audit log, newest first. Records every mutation by a user of the group (and its '
      + 'provisioning by the platform operator) with its outcome, "OK" or the error code (refusals of malformed input and '
      + 'rate limits excepted), each role granted (ROLE_GRANTED), and each time the head office or a company manager opened '
      + 'a complaint\'s details (COMPLAINT_READ). Entries are never changed or removed.',
  })
  auditLog(@CurrentPrincipal() p: Principal, @Args() a: AuditLogArgs): Promise<AuditEntryConnectionDto> {
    return this.audit.page(p, a.filter, a.first ?? 50, a.after);
  }
}
