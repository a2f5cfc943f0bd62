import { defaultBranchCalendar } from '../calendar/china-holidays.util';
import type { BranchCalendar } from '../calendar/calendar.types';
import { nextWorkOrderDueAt } from './work-order-deadlines.util';
import {
  WorkOrderActionType, currentAttempt, isWorkOrderFinished, reduceWorkOrder, triedContractors, workOrderActionRefusal,
} from './work-order.reducer';
import type {
  WorkOrderCommand, WorkOrderContext, WorkOrderEffect, WorkOrderPolicy, WorkOrderReduceResult, WorkOrderState,
} from './work-order.types';

// Asia/Shanghai, 09:00–18:00 Monday to Friday, mainland holidays (国庆 2026-10-01…07).
const cal: BranchCalendar = defaultBranchCalendar();
const at = (iso: string): number => new Date(iso).getTime();
const MIN = 60_000;
const HOUR = 60 * MIN;

const POLICY: WorkOrderPolicy = {
  repairOrderWithin: { after: 'PT20M', businessTime: true },
  visitGrace: 'PT30M',
  completeWithin: { after: 'P1D', businessTime: true },
  returnVisitAfter: 'P3D',
  autoReassign: true,
  maxAttempts: 3,
};

function context(over: Partial<WorkOrderContext> = {}, policy: Partial<WorkOrderPolicy> = {}): WorkOrderContext {
  return {
    complaintId: 'c-1', complaintReceivedAt: at('2026-11-30T01:00:00Z'), complaintCategory: 'PROPERTY_MANAGEMENT',
    policy: { ...POLICY, ...policy }, contactRule: { after: 'PT30M', businessTime: true }, ...over,
  };
}

// Monday 2026-11-30, 09:05 Shanghai.
const T0 = at('2026-11-30T01:05:00Z');

class Order {
  state: WorkOrderState | null = null;
  last!: WorkOrderReduceResult;
  constructor(readonly ctx: WorkOrderContext = context(), public now = T0) {}

  apply(command: WorkOrderCommand, now = this.now): WorkOrderReduceResult {
    this.now = now;
    this.last = reduceWorkOrder(this.state, command, { now, ctx: this.ctx, calendar: cal });
    if ('state' in this.last) this.state = this.last.state;
    return this.last;
  }

  ok(command: WorkOrderCommand, now = this.now): { state: WorkOrderState; events: { type: string; payload: Record<string, unknown> }[]; effects: WorkOrderEffect[] } {
    const r = this.apply(command, now);
    if ('refused' in r) throw new Error(`${command.type} refused: ${r.refused.code} ${r.refused.message}`);
    return r;
  }

  refusal(command: WorkOrderCommand, now = this.now): string {
    const before = this.state;
    const r = this.apply(command, now);
    if (!('refused' in r)) throw new Error(`${command.type} was applied`);
    expect(this.state).toBe(before);
    return r.refused.code;
  }

  get s(): WorkOrderState {
    return this.state as WorkOrderState;
  }

  deadline(kind: string, attempt = this.s.attempt) {
    return this.s.deadlines.find((d) => d.kind === kind && d.attempt === attempt);
  }
}

const issue = (contractorId = 'k-1'): WorkOrderCommand => ({ type: 'ISSUE', contractorId, trade: 'PLUMBING', description: 'leaking pipe', actorId: 'disp' });
const contact = (bookedFor: number): WorkOrderCommand => ({ type: 'CONTACT', bookedFor, actorId: 'k-1' });
const complete = (signed = false, now = T0): WorkOrderCommand => ({
  type: 'COMPLETE', actorId: 'k-1', chargeYuan: 80,
  materials: [{ name: 'PPR pipe', source: 'COMPANY', amountYuan: 35, checkPassed: true }],
  signature: signed ? { signedBy: '张女士', signedAt: now, imageId: null } : null,
});
const returnVisit = (satisfied: boolean): WorkOrderCommand => ({ type: 'RETURN_VISIT', actorId: 'cb', method: 'PHONE', satisfied, comment: satisfied ? null : 'still leaking' });
const types = (r: { events: { type: string }[] }): string[] => r.events.map((e) => e.type);
const effectTypes = (r: { effects: WorkOrderEffect[] }): string[] => r.effects.map((e) => e.type);

/** An order booked for 14:00 the same day, contractor k-1. */
function booked(ctx = context()): Order {
  const o = new Order(ctx);
  o.ok(issue());
  o.ok(contact(at('2026-11-30T06:00:00Z')), T0 + 10 * MIN);
  return o;
}

describe('reduceWorkOrder: issue', () => {
  it('issues attempt 1 with its contact clock on business time and the repair-order clock met', () => {
    const o = new Order();
    const r = o.ok(issue());
    expect(types(r)).toEqual(['ISSUED']);
    expect(effectTypes(r)).toEqual(['PERSIST', 'REARM_TIMER']);
    expect(o.s).toMatchObject({ status: 'ISSUED', attempt: 1, contractorId: 'k-1', trade: 'PLUMBING', issuedAt: T0, seq: 1, awaitingDispatcher: false });
    expect(o.s.attempts).toEqual([expect.objectContaining({ attempt: 1, contractorId: 'k-1', cause: 'ISSUED', contactDueAt: T0 + 30 * MIN, ended: null })]);
    expect(o.deadline('CONTRACTOR_CONTACT')).toMatchObject({ dueAt: T0 + 30 * MIN, metAt: null, breachedAt: null });
    // Received 09:00, 20 working minutes: due 09:20; issued at 09:05, met at issue.
    expect(o.deadline('REPAIR_ORDER', 1)).toMatchObject({ startedAt: at('2026-11-30T01:00:00Z'), dueAt: at('2026-11-30T01:20:00Z'), metAt: T0, breachedAt: null });
    expect(nextWorkOrderDueAt(o.s)).toBe(T0 + 30 * MIN);
  });

  it('a repair order issued after its 20 working minutes is breached at issue (received Friday evening, due Monday 09:15)', () => {
    // Friday 2026-11-27 17:55 Shanghai: 5 minutes on Friday, 15 on Monday.
    const o = new Order(context({ complaintReceivedAt: at('2026-11-27T09:55:00Z') }));
    const r = o.ok(issue(), at('2026-11-30T01:16:00Z'));
    expect(types(r)).toEqual(['ISSUED', 'REPAIR_ORDER_LATE']);
    expect(o.deadline('REPAIR_ORDER', 1)).toMatchObject({ dueAt: at('2026-11-30T01:15:00Z'), metAt: null, breachedAt: at('2026-11-30T01:16:00Z') });
    const onTime = new Order(context({ complaintReceivedAt: at('2026-11-27T09:55:00Z') }));
    expect(types(onTime.ok(issue(), at('2026-11-30T01:14:00Z')))).toEqual(['ISSUED']);
  });

  it('a contact due over a weekend or a holiday runs on the branch calendar', () => {
    // Friday 17:50: 10 working minutes left on Friday, 20 on Monday → Monday 09:20.
    const weekend = new Order();
    weekend.ok(issue(), at('2026-11-27T09:50:00Z'));
    expect(weekend.s.attempts[0].contactDueAt).toBe(at('2026-11-30T01:20:00Z'));
    // 2026-09-30 17:45 (the eve of 国庆): 15 minutes that day, 15 on Thursday 2026-10-08 → 09:15.
    const holiday = new Order(context({ complaintReceivedAt: at('2026-09-30T09:40:00Z') }));
    holiday.ok(issue(), at('2026-09-30T09:45:00Z'));
    expect(holiday.s.attempts[0].contactDueAt).toBe(at('2026-10-08T01:15:00Z'));
    expect(nextWorkOrderDueAt(holiday.s)).toBe(at('2026-10-08T01:15:00Z'));
  });

  it('a switched-off contact or repair-order rule starts no clock', () => {
    const o = new Order(context({ contactRule: { after: 'PT30M', businessTime: true, enabled: false } }, { repairOrderWithin: { after: 'PT20M', businessTime: true, enabled: false } }));
    o.ok(issue());
    expect(o.s.deadlines).toEqual([]);
    expect(nextWorkOrderDueAt(o.s)).toBeNull();
  });

  it('refuses a second ISSUE, any command before ISSUE, and an issue without a contractor', () => {
    const o = new Order();
    expect(o.refusal(contact(T0))).toBe('NOT_ISSUED');
    expect(o.refusal({ type: 'TIMER_FIRED' })).toBe('NOT_ISSUED');
    expect(o.refusal(issue(''))).toBe('INVALID_INPUT');
    o.ok(issue());
    expect(o.refusal(issue())).toBe('ALREADY_ISSUED');
  });
});

describe('reduceWorkOrder: contact, on site, completion, signature', () => {
  it('a contact books the visit: contact met, VISIT (calendar grace) and COMPLETION (business time) clocks start', () => {
    const o = booked();
    const bookedFor = at('2026-11-30T06:00:00Z');
    expect(o.s).toMatchObject({ status: 'BOOKED', contactedAt: T0 + 10 * MIN, bookedFor });
    expect(o.deadline('CONTRACTOR_CONTACT')).toMatchObject({ metAt: T0 + 10 * MIN });
    expect(o.deadline('VISIT')).toMatchObject({ dueAt: bookedFor + 30 * MIN, metAt: null });
    // 14:00 Monday + one working day = 14:00 Tuesday.
    expect(o.deadline('COMPLETION')).toMatchObject({ dueAt: at('2026-12-01T06:00:00Z') });
    expect(o.s.attempts[0]).toMatchObject({ contactedAt: T0 + 10 * MIN, bookedFor, completionDueAt: at('2026-12-01T06:00:00Z') });
    expect(nextWorkOrderDueAt(o.s)).toBe(bookedFor + 30 * MIN);
    expect(types(o.last as never)).toEqual(['CONTACTED']);
  });

  it('a new booking supersedes the old visit and completion clocks (contact stays met once)', () => {
    const o = booked();
    const r = o.ok(contact(at('2026-11-30T08:00:00Z')), T0 + HOUR);
    expect(r.events[0].payload).toMatchObject({ rebooked: true });
    const visits = o.s.deadlines.filter((d) => d.kind === 'VISIT');
    expect(visits.map((d) => [d.dueAt, d.cancelledAt])).toEqual([[at('2026-11-30T06:30:00Z'), T0 + HOUR], [at('2026-11-30T08:30:00Z'), null]]);
    expect(o.s.contactedAt).toBe(T0 + 10 * MIN);
  });

  it('on site meets the visit; completion meets completion, starts the return-visit clock (3 calendar days) and records materials and charge', () => {
    const o = booked();
    o.ok({ type: 'ON_SITE', actorId: 'k-1' }, at('2026-11-30T06:10:00Z'));
    expect(o.s.status).toBe('IN_PROGRESS');
    expect(o.deadline('VISIT')).toMatchObject({ metAt: at('2026-11-30T06:10:00Z') });
    const doneAt = at('2026-11-30T07:00:00Z');
    const r = o.ok(complete(false), doneAt);
    expect(types(r)).toEqual(['COMPLETED']);
    expect(r.events[0].payload).toMatchObject({ customerSigned: false, onTime: true, chargeYuan: 80 });
    expect(o.s).toMatchObject({ status: 'COMPLETED', completedAt: doneAt, chargeYuan: 80, signature: null });
    expect(o.s.materials).toEqual([{ name: 'PPR pipe', source: 'COMPANY', amountYuan: 35, checkPassed: true }]);
    expect(o.deadline('COMPLETION')).toMatchObject({ metAt: doneAt });
    expect(o.deadline('RETURN_VISIT')).toMatchObject({ dueAt: at('2026-12-03T07:00:00Z'), metAt: null });
    expect(o.s.attempts[0]).toMatchObject({ completedAt: doneAt, ended: 'COMPLETED' });
    expect(isWorkOrderFinished(o.s)).toBe(false);
  });

  it('completion straight from BOOKED meets the visit too; a signature at completion is SIGNED', () => {
    const o = booked();
    const r = o.ok(complete(true, at('2026-11-30T06:20:00Z')), at('2026-11-30T06:20:00Z'));
    expect(types(r)).toEqual(['COMPLETED', 'SIGNED']);
    expect(o.deadline('VISIT')).toMatchObject({ metAt: at('2026-11-30T06:20:00Z') });
    expect(o.s.signature).toEqual({ signedBy: '张女士', signedAt: at('2026-11-30T06:20:00Z'), imageId: null });
    expect(o.refusal({ type: 'SIGN', actorId: 'k-1', signature: { signedBy: 'x', signedAt: T0, imageId: null } })).toBe('ALREADY_SIGNED');
  });

  it('the customer signs later a completed order; a late completion is recorded as not on time', () => {
    const o = booked();
    const late = at('2026-12-02T02:00:00Z');
    expect(o.ok({ type: 'TIMER_FIRED' }, at('2026-11-30T06:30:00Z')).events.map((e) => e.type)).toEqual(['DEADLINE_BREACHED', 'MISSED']);
    // (a separate order for the late completion: this one missed its visit)
    const p = booked();
    p.ok({ type: 'ON_SITE', actorId: 'k-1' }, at('2026-11-30T06:05:00Z'));
    const breach = p.ok({ type: 'TIMER_FIRED' }, at('2026-12-01T06:00:00Z'));
    expect(breach.events.map((e) => [e.type, e.payload.kind])).toEqual([['DEADLINE_BREACHED', 'COMPLETION']]);
    expect(breach.effects.map((e) => e.type)).not.toContain('FIND_NEXT_CONTRACTOR');
    expect(p.ok(complete(false), late).events[0].payload).toMatchObject({ onTime: false });
    const signature = { signedBy: '张女士', signedAt: late + HOUR, imageId: 'img-1' };
    const r = p.ok({ type: 'SIGN', actorId: 'k-1', signature }, late + HOUR);
    expect(types(r)).toEqual(['SIGNED']);
    expect(r.events[0].payload).toMatchObject({ signedBy: '张女士', imageId: 'img-1', late: true });
    expect(p.s.signature).toEqual(signature);
    expect(p.refusal({ type: 'SIGN', actorId: 'k-1', signature: { signedBy: ' ', signedAt: late, imageId: null } })).toBe('ALREADY_SIGNED');
  });

  it('refuses actions the status does not allow', () => {
    const o = new Order();
    o.ok(issue());
    expect(o.refusal({ type: 'ON_SITE', actorId: 'k-1' })).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal(complete())).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal({ type: 'SIGN', actorId: 'k-1', signature: { signedBy: 'a', signedAt: T0, imageId: null } })).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal(returnVisit(true))).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal(contact(Number.NaN))).toBe('INVALID_INPUT');
    expect(o.refusal({ type: 'REASSIGN', actorId: 'd', contractorId: 'k-2', reason: '' })).toBe('INVALID_INPUT');
    expect(o.refusal({ type: 'CANCEL', actorId: 'd', reason: ' ' })).toBe('INVALID_INPUT');
    expect(o.refusal({ type: 'NEXT_CONTRACTOR', contractorId: 'k-2' })).toBe('NOT_WAITING_FOR_CONTRACTOR');
    o.ok(contact(at('2026-11-30T06:00:00Z')));
    o.ok(complete());
    expect(o.refusal(contact(at('2026-11-30T06:00:00Z')))).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal({ type: 'ON_SITE', actorId: 'k-1' })).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal(complete())).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal({ type: 'REASSIGN', actorId: 'd', contractorId: 'k-2', reason: 'r' })).toBe('NOT_ALLOWED_IN_STATUS');
    expect(o.refusal({ type: 'CANCEL', actorId: 'd', reason: 'r' })).toBe('NOT_ALLOWED_IN_STATUS');
  });

  it('workOrderActionRefusal answers the validators by state alone', () => {
    expect(workOrderActionRefusal(null, 'CONTACT')?.code).toBe('NOT_ISSUED');
    const o = new Order();
    o.ok(issue());
    const allowed = (['CONTACT', 'ON_SITE', 'COMPLETE', 'SIGN', 'REASSIGN', 'RETURN_VISIT', 'CANCEL'] as WorkOrderActionType[])
      .filter((t) => workOrderActionRefusal(o.s, t, 3) === null);
    expect(allowed).toEqual(['CONTACT', 'REASSIGN', 'CANCEL']);
  });
});

describe('reduceWorkOrder: one chance (003 一.5)', () => {
  it('a missed contact is recorded on attempt 1 and, with autoReassign, asks for the next contractor excluding those tried', () => {
    const o = new Order();
    o.ok(issue());
    const r = o.ok({ type: 'TIMER_FIRED' }, T0 + 30 * MIN);
    expect(types(r)).toEqual(['DEADLINE_BREACHED', 'MISSED']);
    expect(r.effects).toContainEqual({ type: 'FIND_NEXT_CONTRACTOR', trade: 'PLUMBING', exclude: ['k-1'] });
    expect(o.s.attempts[0]).toMatchObject({ missed: 'CONTRACTOR_CONTACT', ended: 'MISSED' });
    expect(o.deadline('CONTRACTOR_CONTACT', 1)).toMatchObject({ breachedAt: T0 + 30 * MIN });
    expect(o.s.status).toBe('ISSUED');
    // A late contact from the one who missed is refused while the job waits for the next contractor.
    const n = o.ok({ type: 'NEXT_CONTRACTOR', contractorId: 'k-2' }, T0 + 30 * MIN);
    expect(types(n)).toEqual(['REASSIGNED']);
    expect(n.events[0].payload).toMatchObject({ cause: 'MISSED', from: 'k-1', to: 'k-2', attempt: 2 });
    expect(o.s).toMatchObject({ status: 'REASSIGNED', attempt: 2, contractorId: 'k-2', awaitingDispatcher: false, contactedAt: null });
    expect(currentAttempt(o.s)).toMatchObject({ attempt: 2, cause: 'MISSED', contactDueAt: T0 + 60 * MIN, ended: null, missed: null });
    expect(o.deadline('CONTRACTOR_CONTACT', 2)).toMatchObject({ dueAt: T0 + 60 * MIN, metAt: null });
    expect(o.refusal({ type: 'NEXT_CONTRACTOR', contractorId: 'k-3' })).toBe('NOT_WAITING_FOR_CONTRACTOR');
    // The second contractor contacts in time: their own attempt.
    o.ok(contact(at('2026-11-30T06:00:00Z')), T0 + 45 * MIN);
    expect(o.s.attempts.map((a) => [a.contractorId, a.contactedAt])).toEqual([['k-1', null], ['k-2', T0 + 45 * MIN]]);
    expect(triedContractors(o.s)).toEqual(['k-1', 'k-2']);
  });

  it('nobody left → the dispatcher is asked; the one who missed cannot act any more; staff reassign', () => {
    const o = new Order();
    o.ok(issue());
    o.ok({ type: 'TIMER_FIRED' }, T0 + 30 * MIN);
    const r = o.ok({ type: 'NEXT_CONTRACTOR', contractorId: null });
    expect(types(r)).toEqual(['AWAITING_DISPATCHER']);
    expect(r.events[0].payload).toMatchObject({ reason: 'NO_CONTRACTOR_LEFT' });
    expect(o.s).toMatchObject({ awaitingDispatcher: true, status: 'ISSUED', attempt: 1 });
    expect(nextWorkOrderDueAt(o.s)).toBeNull();
    expect(o.refusal(contact(at('2026-11-30T06:00:00Z')))).toBe('AWAITING_DISPATCHER');
    expect(o.ok({ type: 'TIMER_FIRED' }).events).toEqual([]);
    const s = o.ok({ type: 'REASSIGN', actorId: 'disp', contractorId: 'k-9', reason: '换一家' }, T0 + HOUR);
    expect(s.events[0].payload).toMatchObject({ cause: 'STAFF_REASSIGNED', from: 'k-1', to: 'k-9', reason: '换一家' });
    expect(o.s).toMatchObject({ status: 'REASSIGNED', attempt: 2, contractorId: 'k-9', awaitingDispatcher: false });
    expect(o.s.attempts[0]).toMatchObject({ ended: 'MISSED', missed: 'CONTRACTOR_CONTACT' });
  });

  it('without autoReassign a miss goes straight to the dispatcher', () => {
    const o = new Order(context({}, { autoReassign: false }));
    o.ok(issue());
    const r = o.ok({ type: 'TIMER_FIRED' }, T0 + 31 * MIN);
    expect(types(r)).toEqual(['DEADLINE_BREACHED', 'MISSED', 'AWAITING_DISPATCHER']);
    expect(r.effects.map((e) => e.type)).not.toContain('FIND_NEXT_CONTRACTOR');
    expect(r.events[2].payload).toMatchObject({ reason: 'AUTO_REASSIGN_OFF' });
    expect(o.s.awaitingDispatcher).toBe(true);
  });

  it('a missed visit is a miss too (the completion clock ends with the attempt)', () => {
    const o = booked();
    const r = o.ok({ type: 'TIMER_FIRED' }, at('2026-11-30T06:30:00Z'));
    expect(r.events.map((e) => [e.type, e.payload.kind])).toEqual([['DEADLINE_BREACHED', 'VISIT'], ['MISSED', 'VISIT']]);
    expect(o.s.attempts[0]).toMatchObject({ missed: 'VISIT', ended: 'MISSED' });
    expect(o.deadline('COMPLETION')).toMatchObject({ cancelledAt: at('2026-11-30T06:30:00Z'), breachedAt: null });
    expect(o.refusal({ type: 'ON_SITE', actorId: 'k-1' })).toBe('AWAITING_DISPATCHER');
    o.ok({ type: 'NEXT_CONTRACTOR', contractorId: 'k-2' });
    expect(o.s).toMatchObject({ status: 'REASSIGNED', bookedFor: null, attempt: 2 });
  });

  it('maxAttempts bounds automatic and staff reassignment', () => {
    const o = new Order(context({}, { maxAttempts: 2 }));
    o.ok(issue());
    o.ok({ type: 'TIMER_FIRED' }, T0 + 30 * MIN);
    o.ok({ type: 'NEXT_CONTRACTOR', contractorId: 'k-2' });
    const r = o.ok({ type: 'TIMER_FIRED' }, T0 + 60 * MIN);
    expect(types(r)).toEqual(['DEADLINE_BREACHED', 'MISSED', 'AWAITING_DISPATCHER']);
    expect(r.events[2].payload).toMatchObject({ reason: 'MAX_ATTEMPTS' });
    expect(r.effects.map((e) => e.type)).not.toContain('FIND_NEXT_CONTRACTOR');
    expect(o.refusal({ type: 'REASSIGN', actorId: 'disp', contractorId: 'k-3', reason: 'again' })).toBe('MAX_ATTEMPTS');
    expect(workOrderActionRefusal(o.s, 'REASSIGN', 2)?.code).toBe('MAX_ATTEMPTS');
    // Cancelling is still possible.
    const c = o.ok({ type: 'CANCEL', actorId: 'disp', reason: 'no contractor' });
    expect(effectTypes(c)).toContain('FINISHED');
  });

  it('staff reassign a booked order: its visit and completion clocks end, the attempt ends REASSIGNED', () => {
    const o = booked();
    o.ok({ type: 'REASSIGN', actorId: 'disp', contractorId: 'k-2', reason: 'customer asked' }, T0 + HOUR);
    expect(o.s.attempts[0]).toMatchObject({ ended: 'REASSIGNED', missed: null });
    expect(o.deadline('VISIT', 1)).toMatchObject({ cancelledAt: T0 + HOUR });
    expect(o.deadline('COMPLETION', 1)).toMatchObject({ cancelledAt: T0 + HOUR });
    expect(o.s).toMatchObject({ status: 'REASSIGNED', bookedFor: null, contactedAt: null });
    expect(nextWorkOrderDueAt(o.s)).toBe(o.s.attempts[1].contactDueAt);
  });
});

describe('reduceWorkOrder: return visit, reopen, cancel', () => {
  function completed(ctx = context()): Order {
    const o = booked(ctx);
    o.ok(complete(false), at('2026-11-30T07:00:00Z'));
    return o;
  }

  it('a satisfied return visit meets its clock and finishes the order', () => {
    const o = completed();
    const r = o.ok(returnVisit(true), at('2026-12-03T02:00:00Z'));
    expect(types(r)).toEqual(['RETURN_VISIT']);
    expect(effectTypes(r)).toContain('FINISHED');
    expect(effectTypes(r)).not.toContain('TELL_COMPLAINT_UNSATISFIED');
    expect(o.s.attempts[0].returnVisitSatisfied).toBe(true);
    expect(o.deadline('RETURN_VISIT')).toMatchObject({ metAt: at('2026-12-03T02:00:00Z') });
    expect(isWorkOrderFinished(o.s)).toBe(true);
    expect(o.refusal(returnVisit(true))).toBe('WORK_ORDER_ENDED');
    expect(o.refusal({ type: 'TIMER_FIRED' })).toBe('WORK_ORDER_ENDED');
  });

  it('a late return visit is only recorded as a breach', () => {
    const o = completed();
    const r = o.ok({ type: 'TIMER_FIRED' }, at('2026-12-03T07:00:00Z'));
    expect(r.events.map((e) => [e.type, e.payload.kind])).toEqual([['DEADLINE_BREACHED', 'RETURN_VISIT']]);
    expect(o.s.status).toBe('COMPLETED');
    expect(effectTypes(o.ok(returnVisit(true)))).toContain('FINISHED');
  });

  it('an unsatisfied return visit reopens the order: a new attempt with the same contractor, and the complaint is told', () => {
    const o = completed();
    const when = at('2026-12-03T02:00:00Z');
    const r = o.ok(returnVisit(false), when);
    expect(types(r)).toEqual(['RETURN_VISIT', 'REOPENED']);
    expect(r.effects).toContainEqual({ type: 'TELL_COMPLAINT_UNSATISFIED', method: 'PHONE', comment: 'still leaking', actorId: 'cb' });
    expect(effectTypes(r)).not.toContain('FINISHED');
    expect(o.s.attempts[0]).toMatchObject({ reopened: true, returnVisitSatisfied: false, ended: 'COMPLETED' });
    expect(currentAttempt(o.s)).toMatchObject({ attempt: 2, contractorId: 'k-1', cause: 'REOPENED', startedAt: when, completedAt: null });
    expect(o.s).toMatchObject({
      status: 'ISSUED', attempt: 2, signature: null, completedAt: null, materials: [], chargeYuan: null, bookedFor: null, contactedAt: null,
    });
    expect(o.s.returnVisit).toMatchObject({ satisfied: false, comment: 'still leaking' });
    expect(o.deadline('CONTRACTOR_CONTACT', 2)).toMatchObject({ startedAt: when, metAt: null });
    // The second round completes and is visited again.
    o.ok(contact(at('2026-12-03T06:00:00Z')), when + MIN);
    o.ok(complete(true, at('2026-12-03T07:00:00Z')), at('2026-12-03T07:00:00Z'));
    expect(o.s.returnVisit).toBeNull();
    expect(effectTypes(o.ok(returnVisit(true), at('2026-12-06T07:00:00Z')))).toContain('FINISHED');
    expect(o.s.attempts.map((a) => [a.reopened, a.returnVisitSatisfied])).toEqual([[true, false], [false, true]]);
  });

  it('an unsatisfied return visit after the last attempt is recorded, tells the complaint and finishes (a new work order is needed)', () => {
    const o = completed(context({}, { maxAttempts: 1 }));
    const r = o.ok(returnVisit(false));
    expect(types(r)).toEqual(['RETURN_VISIT']);
    expect(r.events[0].payload).toMatchObject({ satisfied: false, reopened: false });
    expect(effectTypes(r)).toEqual(['PERSIST', 'REARM_TIMER', 'TELL_COMPLAINT_UNSATISFIED', 'FINISHED']);
    expect(o.s.attempts).toHaveLength(1);
    expect(o.s.attempts[0]).toMatchObject({ returnVisitSatisfied: false, reopened: false });
  });

  it('cancel ends every running clock and finishes the order', () => {
    const o = booked();
    const r = o.ok({ type: 'CANCEL', actorId: 'disp', reason: 'customer fixed it' }, T0 + HOUR);
    expect(types(r)).toEqual(['CANCELLED']);
    expect(effectTypes(r)).toContain('FINISHED');
    expect(o.s).toMatchObject({ status: 'CANCELLED', cancelledReason: 'customer fixed it' });
    expect(o.s.attempts[0].ended).toBe('CANCELLED');
    expect(nextWorkOrderDueAt(o.s)).toBeNull();
    for (const t of ['CONTACT', 'ON_SITE', 'COMPLETE', 'SIGN', 'REASSIGN', 'RETURN_VISIT', 'CANCEL'] as WorkOrderActionType[]) {
      expect(workOrderActionRefusal(o.s, t, 3)?.code).toBe('WORK_ORDER_ENDED');
    }
  });

  it('is pure: the state passed in is never changed, and seq numbers the events', () => {
    const o = booked();
    const before = JSON.parse(JSON.stringify(o.s)) as WorkOrderState;
    const frozen = o.s;
    const r = reduceWorkOrder(frozen, { type: 'TIMER_FIRED' }, { now: at('2026-11-30T07:00:00Z'), ctx: o.ctx, calendar: cal });
    expect(frozen).toEqual(before);
    if ('refused' in r) throw new Error('refused');
    expect(r.events.map((e) => e.seq)).toEqual([before.seq + 1, before.seq + 2]);
    expect(r.state.seq).toBe(before.seq + 2);
  });
});
