import { calendarRule, isOpenWorkOrderDeadline, ruleEnabled, workOrderDueAt } from './work-order-deadlines.util';
import { ONE_CHANCE_KINDS, OPEN_WORK_ORDER_STATUSES } from './work-order.types';
import type {
  WorkOrderAttempt, WorkOrderCommand, WorkOrderDeadline, WorkOrderDeadlineKind, WorkOrderEffect, WorkOrderEvent, WorkOrderEventType,
  WorkOrderReduceContext, WorkOrderReduceResult, WorkOrderRefusal, WorkOrderState, WorkOrderStatus,
} from './work-order.types';

// The rules of a work order's life (domain.md §6; 003 一.5 one chance; 004 篇4 the repair procedure) as
// one pure function: (state, command, context) → new state, timeline events and effects, or a typed
// refusal. The work-order workflow is a thin shell around it. No clock and no I/O: `now`, the policy
// and the branch calendar come in the context (they reach the workflow through its history).

/** Why a command was refused. */
export type WorkOrderRefusalCode =
  /** ISSUE on an order that exists. */
  | 'ALREADY_ISSUED'
  /** Any other command before ISSUE. */
  | 'NOT_ISSUED'
  /** The status does not allow the action (e.g. on-site before a visit is booked). */
  | 'NOT_ALLOWED_IN_STATUS'
  /** The contractor missed their one chance and nobody took the job: only staff reassign (or cancel) it now. */
  | 'AWAITING_DISPATCHER'
  /** The customer already signed. */
  | 'ALREADY_SIGNED'
  /** The return visit was already recorded. */
  | 'ALREADY_RETURN_VISITED'
  /** The order has had policy.maxAttempts attempts: no further contractor. */
  | 'MAX_ATTEMPTS'
  /** The order is cancelled or finished: nothing runs on it any more. */
  | 'WORK_ORDER_ENDED'
  /** NEXT_CONTRACTOR answered when no miss waits for a contractor. */
  | 'NOT_WAITING_FOR_CONTRACTOR'
  /** A value the rules cannot use (a booked time that is not an instant, an empty id or reason). */
  | 'INVALID_INPUT';

/** The commands staff and contractors send (one Update each); the rest are the workflow's own. */
export type WorkOrderActionType = Exclude<WorkOrderCommand['type'], 'ISSUE' | 'TIMER_FIRED' | 'NEXT_CONTRACTOR'>;

const refused = (code: WorkOrderRefusalCode, message: string): { refused: WorkOrderRefusal } => ({ refused: { code, message } });
const refusal = (code: WorkOrderRefusalCode, message: string): WorkOrderRefusal => ({ code, message });

const isOpenStatus = (status: WorkOrderStatus): boolean => OPEN_WORK_ORDER_STATUSES.includes(status);

/** Nothing more can happen: cancelled, or completed and its return visit recorded (the workflow ends). */
export function isWorkOrderFinished(state: Pick<WorkOrderState, 'status' | 'returnVisit'>): boolean {
  return state.status === 'CANCELLED' || (state.status === 'COMPLETED' && state.returnVisit !== null);
}

/** The attempt now running (the last one). */
export function currentAttempt(state: Pick<WorkOrderState, 'attempts'>): WorkOrderAttempt | undefined {
  return state.attempts[state.attempts.length - 1];
}

/** Contractors already tried on the order (the automatic third party is someone else), in order, each once. */
export function triedContractors(state: Pick<WorkOrderState, 'attempts'>): string[] {
  return [...new Set(state.attempts.map((a) => a.contractorId))];
}

/**
 * Whether an action may be taken now, by the state alone (the Update validators' check): null when it
 * may, else the refusal. `reduceWorkOrder` applies the same check first, then the action's own rules.
 */
export function workOrderActionRefusal(
  state: WorkOrderState | null, commandType: WorkOrderActionType, maxAttempts?: number,
): WorkOrderRefusal | null {
  if (state === null) return refusal('NOT_ISSUED', 'the work order is still being issued');
  const s = state.status;
  if (isWorkOrderFinished(state)) return refusal('WORK_ORDER_ENDED', `the work order is ${s === 'CANCELLED' ? 'cancelled' : 'finished'}; nothing more can be recorded on it`);
  const missed = 'the contractor missed their one chance on this job; it goes to another contractor or a dispatcher reassigns it';
  // The chance is gone from the miss on (while the next contractor is looked for, and after).
  const chanceGone = state.awaitingDispatcher || currentAttempt(state)?.ended === 'MISSED';
  switch (commandType) {
    case 'CONTACT':
      if (!(['ISSUED', 'CONTACTED', 'REASSIGNED', 'BOOKED'] as WorkOrderStatus[]).includes(s)) {
        return refusal('NOT_ALLOWED_IN_STATUS', `a contact (booking a visit) is recorded on an issued or reassigned work order; this one is ${s}`);
      }
      return chanceGone ? refusal('AWAITING_DISPATCHER', missed) : null;
    case 'ON_SITE':
      if (s !== 'BOOKED') return refusal('NOT_ALLOWED_IN_STATUS', `the contractor is on site only after booking a visit; this work order is ${s}`);
      return chanceGone ? refusal('AWAITING_DISPATCHER', missed) : null;
    case 'COMPLETE':
      if (s !== 'BOOKED' && s !== 'IN_PROGRESS') {
        return refusal('NOT_ALLOWED_IN_STATUS', `a work order is completed once a visit is booked or the contractor is on site; this one is ${s}`);
      }
      return chanceGone ? refusal('AWAITING_DISPATCHER', missed) : null;
    case 'SIGN':
      if (s !== 'COMPLETED') return refusal('NOT_ALLOWED_IN_STATUS', `the customer signs a completed work order; this one is ${s}`);
      return state.signature !== null ? refusal('ALREADY_SIGNED', `the customer already signed (${state.signature.signedBy})`) : null;
    case 'REASSIGN':
      if (!isOpenStatus(s)) return refusal('NOT_ALLOWED_IN_STATUS', `only an open work order can be reassigned; this one is ${s}`);
      if (maxAttempts !== undefined && state.attempts.length >= maxAttempts) {
        return refusal('MAX_ATTEMPTS', `the work order has had its ${maxAttempts} attempts; cancel it and issue a new work order`);
      }
      return null;
    case 'RETURN_VISIT':
      if (s !== 'COMPLETED') return refusal('NOT_ALLOWED_IN_STATUS', `the return visit follows the completion; this work order is ${s}`);
      return state.returnVisit !== null ? refusal('ALREADY_RETURN_VISITED', 'the return visit is already recorded') : null;
    case 'CANCEL':
      return isOpenStatus(s) ? null : refusal('NOT_ALLOWED_IN_STATUS', `only an open work order can be cancelled; this one is ${s}`);
    default: {
      const unknown: never = commandType;
      return refusal('INVALID_INPUT', `unknown action ${String(unknown)}`);
    }
  }
}

const isInstant = (ms: unknown): ms is number => typeof ms === 'number' && Number.isFinite(ms);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Applies one command to a work order (`state` null before ISSUE). Pure and deterministic: the input is
 * not touched; the result holds a new state, the events in order with their seq numbers, and the effects
 * the shell carries out (PERSIST when there is something to write, REARM_TIMER when the clocks changed).
 */
export function reduceWorkOrder(state: WorkOrderState | null, command: WorkOrderCommand, rc: WorkOrderReduceContext): WorkOrderReduceResult {
  if (command.type === 'ISSUE') {
    if (state !== null) return refused('ALREADY_ISSUED', 'the work order is already issued');
    if (!nonEmpty(command.contractorId)) return refused('INVALID_INPUT', 'a work order is issued to a contractor');
    return new Step(issuedState(command, rc.now), rc).issue(command.actorId);
  }
  if (state === null) return refused('NOT_ISSUED', 'the work order is still being issued');
  return new Step(state, rc).run(command);
}

function issuedState(c: Extract<WorkOrderCommand, { type: 'ISSUE' }>, now: number): WorkOrderState {
  return {
    status: 'ISSUED', attempt: 0, contractorId: c.contractorId, trade: c.trade, description: c.description, issuedAt: now,
    contactedAt: null, bookedFor: null, onSiteAt: null, completedAt: null, materials: [], chargeYuan: null, signature: null,
    returnVisit: null, awaitingDispatcher: false, cancelledReason: null, attempts: [], deadlines: [], seq: 0,
  };
}

/** One command's application on a private copy of the state. */
class Step {
  private readonly s: WorkOrderState;
  private readonly events: WorkOrderEvent[] = [];
  private readonly effects: WorkOrderEffect[] = [];
  private clocksChanged = false;

  constructor(state: WorkOrderState, private readonly rc: WorkOrderReduceContext) {
    // Attempts and deadlines are changed in place on copies; everything else nested is replaced whole.
    this.s = { ...state, attempts: state.attempts.map((a) => ({ ...a })), deadlines: state.deadlines.map((d) => ({ ...d })) };
  }

  private get now(): number {
    return this.rc.now;
  }

  private get policy() {
    return this.rc.ctx.policy;
  }

  issue(actorId: string): WorkOrderReduceResult {
    const s = this.s;
    const { ctx } = this.rc;
    // 004 篇4: engineering receives the repair order within the policy's time of the complaint's receipt.
    const rule = this.policy.repairOrderWithin;
    const late = ruleEnabled(rule) ? this.repairOrderClock() : false;
    this.emit('ISSUED', actorId, {
      contractorId: s.contractorId, trade: s.trade, description: s.description, complaintId: ctx.complaintId, category: ctx.complaintCategory,
    });
    if (late !== false) this.emit('REPAIR_ORDER_LATE', null, { receivedAt: ctx.complaintReceivedAt, dueAt: late });
    this.startAttempt(s.contractorId, 'ISSUED');
    return this.done();
  }

  /** The REPAIR_ORDER clock, met or breached at issue: its due time when breached, else false. */
  private repairOrderClock(): number | false {
    const { ctx, calendar } = this.rc;
    const anchor = isInstant(ctx.complaintReceivedAt) ? Math.min(ctx.complaintReceivedAt, this.now) : this.now;
    const dueAt = workOrderDueAt(this.policy.repairOrderWithin, anchor, calendar);
    const breached = this.now > dueAt;
    this.s.deadlines.push({
      kind: 'REPAIR_ORDER', attempt: 1, startedAt: anchor, dueAt, metAt: breached ? null : this.now, breachedAt: breached ? this.now : null, cancelledAt: null,
    });
    return breached ? dueAt : false;
  }

  run(command: Exclude<WorkOrderCommand, { type: 'ISSUE' }>): WorkOrderReduceResult {
    const s = this.s;
    const now = this.now;
    switch (command.type) {
      case 'TIMER_FIRED':
        if (isWorkOrderFinished(s)) return refused('WORK_ORDER_ENDED', `the work order is ${s.status}; its clocks no longer run`);
        this.breachOverdue();
        return this.done();
      case 'NEXT_CONTRACTOR': {
        const a = currentAttempt(s);
        if (!isOpenStatus(s.status) || s.awaitingDispatcher || a?.ended !== 'MISSED') {
          return refused('NOT_WAITING_FOR_CONTRACTOR', 'no missed attempt is waiting for the next contractor');
        }
        if (command.contractorId === null || s.attempts.length >= this.policy.maxAttempts) {
          this.awaitDispatcher(command.contractorId === null ? 'NO_CONTRACTOR_LEFT' : 'MAX_ATTEMPTS');
          return this.done();
        }
        this.reassign(command.contractorId, 'MISSED', null, null);
        return this.done();
      }
      default:
        break;
    }
    const r = workOrderActionRefusal(s, command.type, this.policy.maxAttempts);
    if (r) return { refused: r };
    const a = currentAttempt(s) as WorkOrderAttempt;
    switch (command.type) {
      case 'CONTACT': {
        if (!isInstant(command.bookedFor)) return refused('INVALID_INPUT', 'the booked visit must be a date and time');
        const rebooking = s.status === 'BOOKED';
        if (!rebooking) {
          s.contactedAt = now;
          a.contactedAt = now;
          this.meet('CONTRACTOR_CONTACT', a.attempt);
        } else {
          // A new booking supersedes the clocks of the old one.
          this.cancelOpen(a.attempt, ['VISIT', 'COMPLETION']);
        }
        s.status = 'BOOKED';
        s.bookedFor = command.bookedFor;
        a.bookedFor = command.bookedFor;
        const visitDue = workOrderDueAt(calendarRule(this.policy.visitGrace), command.bookedFor, this.rc.calendar);
        this.startDeadline('VISIT', a.attempt, visitDue);
        a.completionDueAt = null;
        if (ruleEnabled(this.policy.completeWithin)) {
          a.completionDueAt = workOrderDueAt(this.policy.completeWithin, command.bookedFor, this.rc.calendar);
          this.startDeadline('COMPLETION', a.attempt, a.completionDueAt);
        }
        this.emit('CONTACTED', command.actorId, { attempt: a.attempt, bookedFor: command.bookedFor, rebooked: rebooking, visitDueAt: visitDue });
        return this.done();
      }
      case 'ON_SITE':
        s.status = 'IN_PROGRESS';
        s.onSiteAt = now;
        a.onSiteAt = now;
        this.meet('VISIT', a.attempt);
        this.emit('ON_SITE', command.actorId, { attempt: a.attempt });
        return this.done();
      case 'COMPLETE': {
        if (command.signature !== null && !nonEmpty(command.signature?.signedBy)) return refused('INVALID_INPUT', 'a signature names who signed');
        s.status = 'COMPLETED';
        s.completedAt = now;
        s.materials = command.materials.map((m) => ({ ...m }));
        s.chargeYuan = command.chargeYuan;
        s.signature = command.signature === null ? null : { ...command.signature };
        // A new completion (after a reopen) waits for its own return visit.
        s.returnVisit = null;
        a.completedAt = now;
        a.ended = 'COMPLETED';
        this.meet('VISIT', a.attempt);
        this.meet('COMPLETION', a.attempt);
        this.startDeadline('RETURN_VISIT', a.attempt, workOrderDueAt(calendarRule(this.policy.returnVisitAfter), now, this.rc.calendar));
        this.emit('COMPLETED', command.actorId, {
          attempt: a.attempt, materials: s.materials, chargeYuan: s.chargeYuan, customerSigned: s.signature !== null,
          onTime: a.completionDueAt === null || now <= a.completionDueAt,
        });
        if (s.signature) this.emit('SIGNED', command.actorId, { signedBy: s.signature.signedBy, signedAt: s.signature.signedAt, imageId: s.signature.imageId });
        return this.done();
      }
      case 'SIGN':
        if (!nonEmpty(command.signature?.signedBy)) return refused('INVALID_INPUT', 'a signature names who signed');
        s.signature = { ...command.signature };
        this.emit('SIGNED', command.actorId, { signedBy: s.signature.signedBy, signedAt: s.signature.signedAt, imageId: s.signature.imageId, late: true });
        return this.done();
      case 'REASSIGN':
        if (!nonEmpty(command.contractorId)) return refused('INVALID_INPUT', 'a work order is reassigned to a contractor');
        if (!nonEmpty(command.reason)) return refused('INVALID_INPUT', 'a reassignment gives its reason');
        this.reassign(command.contractorId, 'STAFF_REASSIGNED', command.actorId, command.reason);
        return this.done();
      case 'RETURN_VISIT': {
        const visit = { at: now, actorId: command.actorId, method: command.method, satisfied: command.satisfied, comment: command.comment };
        s.returnVisit = visit;
        a.returnVisitSatisfied = command.satisfied;
        this.meet('RETURN_VISIT', a.attempt);
        const reopen = !command.satisfied && s.attempts.length < this.policy.maxAttempts;
        this.emit('RETURN_VISIT', command.actorId, {
          attempt: a.attempt, method: command.method, satisfied: command.satisfied, comment: command.comment,
          ...(!command.satisfied && !reopen ? { reopened: false, reason: `the work order has had its ${this.policy.maxAttempts} attempts; issue a new work order` } : {}),
        });
        if (!command.satisfied) {
          this.effects.push({ type: 'TELL_COMPLAINT_UNSATISFIED', method: command.method, comment: command.comment, actorId: command.actorId });
        }
        if (!reopen) {
          this.effects.push({ type: 'FINISHED' });
          return this.done();
        }
        // Unsatisfied: the order reopens with the same contractor (not a first-time fix).
        a.reopened = true;
        s.status = 'ISSUED';
        s.completedAt = null;
        s.materials = [];
        s.chargeYuan = null;
        s.signature = null;
        this.emit('REOPENED', command.actorId, { attempt: a.attempt + 1, comment: command.comment });
        this.startAttempt(a.contractorId, 'REOPENED');
        return this.done();
      }
      case 'CANCEL':
        if (!nonEmpty(command.reason)) return refused('INVALID_INPUT', 'a cancellation gives its reason');
        s.status = 'CANCELLED';
        s.cancelledReason = command.reason;
        s.awaitingDispatcher = false;
        if (a.ended === null) a.ended = 'CANCELLED';
        this.cancelOpen(null);
        this.emit('CANCELLED', command.actorId, { attempt: a.attempt, reason: command.reason });
        this.effects.push({ type: 'FINISHED' });
        return this.done();
      default: {
        const unknown: never = command;
        return refused('INVALID_INPUT', `unknown command ${JSON.stringify(unknown)}`);
      }
    }
  }

  // --- attempts -----------------------------------------------------------------------------------

  /** A new attempt for `contractorId` starting now, with its own contact clock. */
  private startAttempt(contractorId: string, cause: WorkOrderAttempt['cause']): WorkOrderAttempt {
    const s = this.s;
    const number = s.attempts.length + 1;
    const contactDueAt = workOrderDueAt(this.rc.ctx.contactRule, this.now, this.rc.calendar);
    const attempt: WorkOrderAttempt = {
      attempt: number, contractorId, startedAt: this.now, cause, contactDueAt, contactedAt: null, bookedFor: null, onSiteAt: null,
      completionDueAt: null, completedAt: null, missed: null, ended: null, reopened: false, returnVisitSatisfied: null,
    };
    s.attempts.push(attempt);
    s.attempt = number;
    s.contractorId = contractorId;
    s.contactedAt = null;
    s.bookedFor = null;
    s.onSiteAt = null;
    s.awaitingDispatcher = false;
    if (ruleEnabled(this.rc.ctx.contactRule)) this.startDeadline('CONTRACTOR_CONTACT', number, contactDueAt);
    return attempt;
  }

  /** The job goes to another contractor: the current attempt ends (unless its miss ended it) and a new one starts. */
  private reassign(contractorId: string, cause: 'MISSED' | 'STAFF_REASSIGNED', actorId: string | null, reason: string | null): void {
    const s = this.s;
    const a = currentAttempt(s) as WorkOrderAttempt;
    const from = a.contractorId;
    if (a.ended === null) a.ended = 'REASSIGNED';
    this.cancelOpen(a.attempt);
    s.status = 'REASSIGNED';
    const next = this.startAttempt(contractorId, cause);
    this.emit('REASSIGNED', actorId, { attempt: next.attempt, cause, from, to: contractorId, reason, contactDueAt: next.contactDueAt });
  }

  private awaitDispatcher(reason: 'NO_CONTRACTOR_LEFT' | 'AUTO_REASSIGN_OFF' | 'MAX_ATTEMPTS'): void {
    this.s.awaitingDispatcher = true;
    this.emit('AWAITING_DISPATCHER', null, { attempt: this.s.attempt, reason });
  }

  // --- clocks -------------------------------------------------------------------------------------

  private startDeadline(kind: WorkOrderDeadlineKind, attempt: number, dueAt: number): void {
    this.s.deadlines.push({ kind, attempt, startedAt: this.now, dueAt, metAt: null, breachedAt: null, cancelledAt: null });
    this.clocksChanged = true;
  }

  /** Meets the open deadline of `kind` on `attempt`, if any. */
  private meet(kind: WorkOrderDeadlineKind, attempt: number): void {
    for (const d of this.s.deadlines) {
      if (d.kind === kind && d.attempt === attempt && isOpenWorkOrderDeadline(d)) {
        d.metAt = this.now;
        this.clocksChanged = true;
      }
    }
  }

  /** Ends the open deadlines (of one attempt, or all; of some kinds, or all) without meeting or breaching them. */
  private cancelOpen(attempt: number | null, kinds?: WorkOrderDeadlineKind[]): void {
    for (const d of this.s.deadlines) {
      if ((attempt === null || d.attempt === attempt) && (!kinds || kinds.includes(d.kind)) && isOpenWorkOrderDeadline(d)) {
        d.cancelledAt = this.now;
        this.clocksChanged = true;
      }
    }
  }

  /** Breaches every open deadline already due; a one-chance miss ends the attempt and asks for the next contractor. */
  private breachOverdue(): void {
    const s = this.s;
    const now = this.now;
    const due = s.deadlines.filter((d) => isOpenWorkOrderDeadline(d) && d.dueAt <= now).sort((x, y) => x.dueAt - y.dueAt);
    for (const d of due) {
      if (!isOpenWorkOrderDeadline(d)) continue; // cancelled by a miss handled in this loop
      d.breachedAt = now;
      this.clocksChanged = true;
      this.emit('DEADLINE_BREACHED', null, { kind: d.kind, attempt: d.attempt, dueAt: d.dueAt });
      const a = currentAttempt(s) as WorkOrderAttempt;
      if (!ONE_CHANCE_KINDS.includes(d.kind) || d.attempt !== a.attempt || a.ended !== null || !isOpenStatus(s.status)) continue;
      // 003 一.5: one chance. The miss is recorded against this contractor and the attempt is over.
      a.missed = d.kind as 'CONTRACTOR_CONTACT' | 'VISIT';
      a.ended = 'MISSED';
      this.cancelOpen(a.attempt);
      this.emit('MISSED', null, { kind: d.kind, attempt: a.attempt, contractorId: a.contractorId });
      if (this.policy.autoReassign && s.attempts.length < this.policy.maxAttempts) {
        this.effects.push({ type: 'FIND_NEXT_CONTRACTOR', trade: s.trade, exclude: triedContractors(s) });
      } else {
        this.awaitDispatcher(this.policy.autoReassign ? 'MAX_ATTEMPTS' : 'AUTO_REASSIGN_OFF');
      }
    }
  }

  // --- output -------------------------------------------------------------------------------------

  private emit(type: WorkOrderEventType, actorId: string | null, payload: Record<string, unknown> = {}): void {
    this.s.seq += 1;
    this.events.push({ seq: this.s.seq, type, at: this.now, actorId, payload });
  }

  private done(): WorkOrderReduceResult {
    const effects: WorkOrderEffect[] = [];
    if (this.events.length > 0) effects.push({ type: 'PERSIST' });
    if (this.clocksChanged) effects.push({ type: 'REARM_TIMER' });
    return { state: this.s, events: this.events, effects: [...effects, ...this.effects] };
  }
}

/** The deadlines of one attempt (the read model's per-attempt view). */
export function deadlinesOfAttempt(state: Pick<WorkOrderState, 'deadlines'>, attempt: number): WorkOrderDeadline[] {
  return state.deadlines.filter((d) => d.attempt === attempt);
}
