import type { EntityManager } from 'typeorm';
import type { Channel, ComplaintStatus, Severity } from '../../../../libs/domain/src/enums';
import { customerStage } from '../../../../libs/domain/src/notifications/customer-stage.util';
import { customerChannel, isUrgent, notBefore, type PlannedMessage } from '../../../../libs/domain/src/notifications/message-plan.util';
import { signStatusLink, statusLinkExpiry, statusLinkUrl, type StatusLinkSettings } from '../../../../libs/domain/src/notifications/status-link.util';
import { firstName, formatDueAt, renderTemplate } from '../../../../libs/domain/src/notifications/template.util';
import { notificationsPolicyOf } from '../../../../libs/domain/src/policy/policy.util';
import type { Policy } from '../../../../libs/domain/src/policy/policy.types';
import type { StoredDeadline } from '../../../../libs/persistence/src/entities';
import { currentTemplate } from '../../../../libs/persistence/src/message-template.repository';

/** The channel the delivery loop listens on: a message queued wakes it when its transaction commits. */
export const OUTBOX_CHANNEL = 'outbound_messages';

interface MessageContext {
  reference: string;
  branch_id: string;
  branch_name: string;
  timezone: string;
  channel: Channel;
  status: ComplaintStatus;
  severity: Severity;
  emergency: boolean;
  complainant_phone: string | null;
  complainant_email: string | null;
  complainant_wechat: string | null;
  assignee_name: string | null;
  deadlines: StoredDeadline[];
  policy: Policy | null;
}

// The due time a message announces when it names none of its own: the customer's reply, else the resolution.
function promisedAt(deadlines: readonly StoredDeadline[]): number | null {
  for (const kind of ['CUSTOMER_REPLY', 'RESOLUTION', 'CALLBACK'] as const) {
    const d = deadlines.find((x) => x.kind === kind && x.metAt === null && !x.cancelledAt);
    if (d) return Date.parse(d.dueAt);
  }
  return null;
}

/**
 * Queues the messages a step calls for, in the step's own transaction (the transactional outbox):
 * rendered from the tenant's current template, on the customer's channel, not before the end of the
 * quiet hours unless urgent, keyed by (complaint, event seq, kind) so a retried step queues nothing
 * twice. A customer with no reachable contact gets a NO_CONTACT row, reported to the timeline like a
 * failure (the dispatcher phones instead). Returns how many rows were queued.
 */
export async function queueCustomerMessages(
  m: EntityManager, tenantId: string, complaintId: string, planned: readonly PlannedMessage[], now: number, links: StatusLinkSettings,
): Promise<number> {
  if (planned.length === 0) return 0;
  const [ctx]: MessageContext[] = await m.query(
    `SELECT c.reference, c.branch_id, b.name AS branch_name, b.timezone, c.channel, c.status, c.severity, c.emergency,
            c.complainant_phone, c.complainant_email, c.complainant_wechat, u.name AS assignee_name, c.deadlines,
            (SELECT p.document FROM policy_versions p WHERE p.tenant_id = c.tenant_id AND p.version = c.policy_version) AS policy
       FROM complaints c JOIN branches b ON b.id = c.branch_id AND b.tenant_id = c.tenant_id
       LEFT JOIN users u ON u.id = c.assignee_id AND u.tenant_id = c.tenant_id
      WHERE c.tenant_id = $1 AND c.id = $2`,
    [tenantId, complaintId],
  );
  if (!ctx) return 0;
  const policy = notificationsPolicyOf(ctx.policy ?? {});
  const contact = customerChannel(ctx.channel, { phone: ctx.complainant_phone, email: ctx.complainant_email, wechat: ctx.complainant_wechat });
  const urgent = isUrgent(ctx.emergency, ctx.severity, policy);
  const link = links.secret
    ? statusLinkUrl(links.publicBaseUrl, signStatusLink(links.secret, { tenantId, complaintId, expiresAt: statusLinkExpiry(new Date(now), links.lifetimeDays) }))
    : null;
  let queued = 0;
  for (const p of planned) {
    const template = await currentTemplate(m, tenantId, p.kind);
    const due = p.dueAt ?? promisedAt(ctx.deadlines);
    const variables = {
      reference: ctx.reference,
      branch: ctx.branch_name,
      dueAt: due === null ? '' : formatDueAt(due, ctx.timezone),
      handler: firstName(ctx.assignee_name),
      statusLink: link ?? '',
      stage: customerStage(ctx.status),
    };
    const text = renderTemplate({ subject: template.subject, body: template.body }, variables);
    const sendAt = contact ? notBefore(now, contact.channel, urgent, ctx.timezone, policy) : now;
    const rows: unknown[] = await m.query(
      `INSERT INTO outbound_messages (id, tenant_id, complaint_id, branch_id, kind, channel, recipient, subject, body, variables, link,
                                      template_version, idempotency_key, meets, urgent, status, not_before, next_attempt_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id`,
      [tenantId, complaintId, ctx.branch_id, p.kind, contact?.channel ?? 'NONE', contact?.recipient ?? null, text.subject, text.body,
        JSON.stringify(variables), link, template.version, `${complaintId}:${p.seq}:${p.kind}`, policy.messagesMeetDeadlines ? p.meets : [], urgent,
        contact ? 'QUEUED' : 'NO_CONTACT', new Date(sendAt)],
    );
    queued += rows.length;
  }
  if (queued > 0) await m.query(`SELECT pg_notify($1, $2)`, [OUTBOX_CHANNEL, tenantId]);
  return queued;
}
