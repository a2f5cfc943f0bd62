import type { Channel, DeadlineKind, Severity } from '../enums';
import { instantToZoned } from '../calendar/zoned-time.util';
import type { TimelineEventRecord } from '../lifecycle/complaint.types';
import type { NotificationsPolicy } from '../policy/policy.types';
import type { MessageKind } from './template.util';

/** The channels a message reaches the customer on. */
export const MESSAGE_CHANNELS = ['SMS', 'WECHAT', 'EMAIL'] as const;
export type MessageChannelName = (typeof MESSAGE_CHANNELS)[number];

/** A message a step of the complaint calls for. */
export interface PlannedMessage {
  kind: MessageKind;
  /** The seq of the event that calls for it: with the kind, the message's idempotency key. */
  seq: number;
  /** Deadlines it meets once delivered. */
  meets: DeadlineKind[];
  /** The due time it announces (a callback appointment), epoch ms. */
  dueAt: number | null;
}

const REPLY: DeadlineKind[] = ['CUSTOMER_REPLY'];
const REPLY_AND_PROGRESS: DeadlineKind[] = ['CUSTOMER_REPLY', 'PROGRESS_REPLY'];

/**
 * The messages to the customer a step's events call for (件件有回音): the work arranged (dispatch:
 * progress), a follow-up staff chose to tell the customer about (progress), the result (resolved),
 * and the callback appointment. The acknowledgement at intake is planned by registration itself (it
 * needs the reference). `meetDeadlines` false: delivered messages meet nothing (the policy's choice).
 */
export function plannedMessages(events: readonly TimelineEventRecord[], meetDeadlines: boolean): PlannedMessage[] {
  const out: PlannedMessage[] = [];
  const meets = (m: DeadlineKind[]): DeadlineKind[] => (meetDeadlines ? [...m] : []);
  for (const e of events) {
    if (e.type === 'DISPATCHED') out.push({ kind: 'PROGRESS', seq: e.seq, meets: meets(REPLY), dueAt: null });
    else if (e.type === 'FOLLOW_UP' && e.data?.messageCustomer === true) out.push({ kind: 'PROGRESS', seq: e.seq, meets: meets(REPLY_AND_PROGRESS), dueAt: null });
    else if (e.type === 'RESOLVED') out.push({ kind: 'RESULT', seq: e.seq, meets: meets(REPLY_AND_PROGRESS), dueAt: null });
    else if (e.type === 'DEADLINE_SET' && e.data?.kind === 'CALLBACK' && typeof e.data.dueAt === 'string') {
      out.push({ kind: 'CALLBACK_APPOINTMENT', seq: e.seq, meets: [], dueAt: Date.parse(e.data.dueAt) });
    }
  }
  return out;
}

/** How the customer can be reached. */
export interface CustomerContact {
  phone: string | null;
  email: string | null;
  wechat: string | null;
}

const MOBILE = /^1\d{10}$/;

/** A phone number as a mobile's 11 digits (spaces, dashes and +86 gone), or null when it is none. */
export function mobileOf(phone: string | null | undefined): string | null {
  const digits = phone ? phone.replace(/[\s-]/g, '').replace(/^\+?86/, '') : null;
  return digits && MOBILE.test(digits) ? digits : null;
}

/**
 * The customer's channel: the one they came in on when we can answer there (WeChat, e-mail), else a
 * text message to a mobile number, else e-mail, else WeChat; null when there is no way (the
 * dispatcher phones or writes instead).
 */
export function customerChannel(intake: Channel, c: CustomerContact): { channel: MessageChannelName; recipient: string } | null {
  const mobile = mobileOf(c.phone);
  if (intake === 'WECHAT' && c.wechat) return { channel: 'WECHAT', recipient: c.wechat };
  if (intake === 'EMAIL' && c.email) return { channel: 'EMAIL', recipient: c.email };
  if (mobile) return { channel: 'SMS', recipient: mobile };
  if (c.email) return { channel: 'EMAIL', recipient: c.email };
  if (c.wechat) return { channel: 'WECHAT', recipient: c.wechat };
  return null;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/**
 * When a message may go out: `at`, or — for a text or WeChat message that is not urgent, inside the
 * policy's quiet hours in the branch's time zone — the end of the quiet hours (the morning).
 */
export function notBefore(
  at: number, channel: MessageChannelName, urgent: boolean, timezone: string, policy: Pick<NotificationsPolicy, 'quietStart' | 'quietEnd'>,
): number {
  if (urgent || channel === 'EMAIL') return at;
  const start = minutesOf(policy.quietStart);
  const end = minutesOf(policy.quietEnd);
  if (start === end) return at;
  const local = instantToZoned(at, timezone);
  const now = local.hour * 60 + local.minute;
  const quiet = start < end ? now >= start && now < end : now >= start || now < end;
  if (!quiet) return at;
  const wait = (end - now + 1440) % 1440;
  // To the minute the quiet hours end (seconds of the current minute taken off).
  return at + wait * 60_000 - (local.second * 1000 + local.millisecond);
}

/** Whether a complaint's messages are urgent: an emergency, or a severity the policy names. */
export function isUrgent(emergency: boolean, severity: Severity, policy: Pick<NotificationsPolicy, 'urgentSeverities'>): boolean {
  return emergency || policy.urgentSeverities.includes(severity);
}
