import type { EntityManager } from 'typeorm';

/**
 * Change notifications for live updates (GraphQL subscriptions): PostgreSQL NOTIFY, sent inside the
 * transaction that made the change, so a gateway hears of it only once it is committed (and never of
 * a rolled-back one). Payloads carry ids only: each gateway reads the record again under every
 * subscriber's own scope before sending anything.
 */
export const COMPLAINT_UPDATED_CHANNEL = 'complaint_updated';
export const ESCALATION_RAISED_CHANNEL = 'escalation_raised';

export interface ComplaintUpdatedNotice {
  tenantId: string;
  complaintId: string;
  branchId: string;
  seq: number;
}

export interface EscalationRaisedNotice {
  tenantId: string;
  complaintId: string;
  escalationId: string;
  /** The users the escalation is addressed to. */
  userIds: string[];
}

export async function notifyComplaintUpdated(m: EntityManager, notice: ComplaintUpdatedNotice): Promise<void> {
  await m.query(`SELECT pg_notify($1, $2)`, [COMPLAINT_UPDATED_CHANNEL, JSON.stringify(notice)]);
}

export async function notifyEscalationRaised(m: EntityManager, notice: EscalationRaisedNotice): Promise<void> {
  await m.query(`SELECT pg_notify($1, $2)`, [ESCALATION_RAISED_CHANNEL, JSON.stringify(notice)]);
}
