import { Client } from 'pg';
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

/** A change notice as a gateway receives it. */
export type ChangeNotice =
  | { channel: typeof COMPLAINT_UPDATED_CHANNEL; notice: ComplaintUpdatedNotice }
  | { channel: typeof ESCALATION_RAISED_CHANNEL; notice: EscalationRaisedNotice };

/** The notice of a NOTIFY payload, or null when it is not one of ours. */
export function parseChangeNotice(channel: string, payload: string | undefined): ChangeNotice | null {
  try {
    const v = JSON.parse(payload ?? '') as Record<string, unknown>;
    if (typeof v?.tenantId !== 'string' || typeof v.complaintId !== 'string') return null;
    if (channel === COMPLAINT_UPDATED_CHANNEL && typeof v.branchId === 'string') return { channel, notice: v as unknown as ComplaintUpdatedNotice };
    if (channel === ESCALATION_RAISED_CHANNEL && typeof v.escalationId === 'string' && Array.isArray(v.userIds)) {
      return { channel, notice: v as unknown as EscalationRaisedNotice };
    }
  } catch {
    // not JSON: not ours
  }
  return null;
}

/** An open listening connection. */
export interface ChangeListener {
  close(): Promise<void>;
}

/**
 * Opens one connection that LISTENs on both channels (no tenant data: the notices carry ids only):
 * `onNotice` gets each notice (null for a malformed one, with its channel), `onLost` is called once
 * when the open connection fails or ends.
 * Rejects (with the connection closed) when it cannot be opened.
 */
export async function listenForChanges(
  url: string,
  onNotice: (notice: ChangeNotice | null, channel: string) => void,
  onLost: (err: unknown) => void,
): Promise<ChangeListener> {
  const client = new Client({ connectionString: url, application_name: 'gateway-change-listener' });
  let lost = false;
  let established = false;
  let closing = false;
  const lose = (err: unknown): void => {
    if (lost) return;
    lost = true;
    client.end().catch(() => undefined);
    // While opening, the failure is the rejection below, not a lost connection.
    if (established && !closing) onLost(err);
  };
  client.on('error', lose);
  client.on('end', () => lose(new Error('connection ended')));
  client.on('notification', (msg) => onNotice(parseChangeNotice(msg.channel, msg.payload), msg.channel));
  try {
    await client.connect();
    await client.query(`LISTEN ${COMPLAINT_UPDATED_CHANNEL}`);
    await client.query(`LISTEN ${ESCALATION_RAISED_CHANNEL}`);
  } catch (err) {
    lose(err);
    throw err;
  }
  established = true;
  return {
    close: async () => {
      closing = true;
      lost = true;
      await client.end().catch(() => undefined);
    },
  };
}
