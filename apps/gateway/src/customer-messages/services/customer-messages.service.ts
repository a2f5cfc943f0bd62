import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { holdsRole, isStaffOf } from '../../../../../libs/domain/src/permissions/permission.util';
import { mobileOf } from '../../../../../libs/domain/src/notifications/message-plan.util';
import { ComplainantOptOutEntity, ComplaintEntity, OutboundMessageEntity } from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { ForbiddenError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';
import { ComplaintsService } from '../../complaints/services/complaints.service';
import { CustomerMessageDto } from '../dtos/customer-message.dto';

// The most messages a complaint lists (a complaint has a handful; this only bounds the read).
const MAX_MESSAGES = 100;

/** "13800138000" → "138****8000", "zhang@example.com" → "z***@example.com". */
export function maskContact(contact: string | null): string | null {
  if (!contact) return null;
  if (/^1\d{10}$/.test(contact)) return `${contact.slice(0, 3)}****${contact.slice(7)}`;
  const at = contact.indexOf('@');
  if (at > 0) return `${contact[0]}***${contact.slice(at)}`;
  return `${contact.slice(0, 3)}***`;
}

/** The messages to a complaint's customer, and complainants' opt-outs. */
@Injectable()
export class CustomerMessagesService {
  private readonly messages: TenantScopedRepository<OutboundMessageEntity>;
  private readonly optOuts: TenantScopedRepository<ComplainantOptOutEntity>;

  constructor(@InjectDataSource() ds: DataSource, private readonly complaints: ComplaintsService) {
    this.messages = new TenantScopedRepository(ds, OutboundMessageEntity);
    this.optOuts = new TenantScopedRepository(ds, ComplainantOptOutEntity);
  }

  /** The complaint's messages, oldest first: staff of the complaint only (the job view shows none). */
  async forComplaint(p: Principal, c: ComplaintDto): Promise<CustomerMessageDto[]> {
    if (c.view !== 'FULL') return [];
    const row = await this.complaints.find(p, c.id);
    if (!row || !isStaffOf(p, row)) return [];
    const rows = await this.messages.find(tenantOf(p), { complaintId: c.id }, { order: { createdAt: 'ASC' }, take: MAX_MESSAGES });
    return rows.map((m) => ({
      id: m.id, kind: m.kind, channel: m.channel, recipient: maskContact(m.recipient), status: m.status, body: m.body, attempts: m.attempts,
      failureReason: m.failureReason, notBefore: m.notBefore, createdAt: m.createdAt, sentAt: m.sentAt, meets: m.meets,
    }));
  }

  /**
   * The customer of a complaint asks for no more messages (or for them again): staff of the
   * complaint's branch; every contact of theirs (mobile, e-mail, WeChat). The same call twice changes nothing.
   */
  async setOptOut(p: Principal, complaintId: string, optOut: boolean): Promise<ComplaintEntity> {
    const c = await this.complaints.get(p, complaintId);
    if (!isStaffOf(p, c) || !holdsRole(p, ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER', 'DISPATCHER'])) {
      throw new ForbiddenError('only staff of the branch record a customer\'s opt-out');
    }
    const tenantId = tenantOf(p);
    // The contacts as messages are addressed to them (a landline receives none, so it needs no opt-out).
    const contacts = [mobileOf(c.complainantPhone), c.complainantEmail, c.complainantWechat].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    for (const contact of contacts) {
      if (optOut) {
        if (!(await this.optOuts.findOne(tenantId, { contact }))) await this.optOuts.insert(tenantId, { contact, optedOutAt: new Date(), recordedBy: p.userId });
      } else {
        await this.optOuts.delete(tenantId, { contact });
      }
    }
    return c;
  }
}
