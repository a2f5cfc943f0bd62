import type { BranchCalendar } from '../calendar/calendar.types';
import { computeDueAt, tryComputeDueAt } from '../deadlines/deadline.util';
import { DEADLINE_PLAN, LifecycleMoment, deadlinesMetBy, deadlinesStartedBy } from '../deadlines/deadline-plan.util';
import type { ComplaintKind, DeadlineKind } from '../enums';
import type { Policy } from '../policy/policy.types';
import { SeverityClassification, classifySeverity } from '../severity/severity.util';
import {
  SeverityRefusal, SeverityStep, applyFacilityRestored, applyFactsUpdate, applyMatterRule, applyReclassify, applyReopened, applyTimedRules,
  factsOfIntake, nextSeverityRuleAt, reopenedRuleApplies, timedRulesDue,
} from '../severity/severity-lifecycle.util';
import { matterRuleKey } from '../severity/severity-rules.util';
import type { Severity } from '../enums';
import type {
  ActionBase, CallbackArgs, ComplaintState, DeadlineState, DispatchArgs, FollowUpArgs, IntakeFacts, ResolveArgs, SpecialReportArgs,
  TimelineEventRecord, ValidityArgs, WithdrawArgs, MergeArgs, HandOverArgs, MergeReceivedArgs,
} from './complaint.types';
import type { FacilityRestoredArgs, ReclassifyArgs, UpdateFactsArgs } from './complaint.types';
import { ComplaintAction, isTerminal, transitionError } from './lifecycle.util';

// The rules of a complaint's life as one pure function: (state, command, context) → new state,
// timeline events and effects, or a typed refusal. The workflow is a thin shell around it: it turns
// Updates, signals and timers into commands, writes what the reducer says to write, and re-arms its
// one timer when deadlines change. No clock, no I/O: `now` and the policy come in the context, the
// calendar is part of the state (it reaches the workflow through its history).

/** The staff actions (one per Update). */
export type StaffCommand =
  | { type: 'DISPATCH'; args: DispatchArgs }
  | { type: 'ACKNOWLEDGE'; args: ActionBase }
  | { type: 'FOLLOW_UP'; args: FollowUpArgs }
  | { type: 'DETERMINE_VALIDITY'; args: ValidityArgs }
  | { type: 'RESOLVE'; args: ResolveArgs }
  | { type: 'CALLBACK'; args: CallbackArgs }
  | { type: 'WITHDRAW'; args: WithdrawArgs }
  | { type: 'SPECIAL_REPORT'; args: SpecialReportArgs }
  /** Staff correct the facts severity is judged by; the level follows (upward only). */
  | { type: 'UPDATE_FACTS'; args: UpdateFactsArgs }
  /** Staff set the category and/or the level explicitly, with a reason. */
  | { type: 'RECLASSIFY'; args: ReclassifyArgs }
  /** The facility outage the complaint is about is over: its timer stops. */
  | { type: 'RECORD_FACILITY_RESTORED'; args: FacilityRestoredArgs }
  /** Merged into another complaint of the same matter: MERGED, its unmet deadlines closed. */
  | { type: 'MERGE'; args: MergeArgs }
  /** 首问责任制: an explicit hand-over; `firstContactOwnerId` is who follows it through until the first one. */
  | { type: 'HAND_OVER'; args: HandOverArgs; firstContactOwnerId: string };

/** What the workflow itself decides: intake, its timer, the calendar signal, analysis and closure, a failed write. */
export type SystemCommand =
  /** Intake: the RECEIVED and CLASSIFIED events and the clocks that start at reception. */
  | { type: 'RECEIVE'; intake: IntakeFacts }
  /** The registration write succeeded: the complaint has its row and reference. */
  | { type: 'REGISTERED'; reference: string }
  /** The timer fired (or the run hands over to a new one): breach every open deadline already due. */
  | { type: 'TIMER_FIRED' }
  /** The branch calendar changed: move the open deadlines, keep those the new calendar cannot compute. */
  | { type: 'CALENDAR_CHANGED'; calendar: BranchCalendar; changedBy: string | null }
  /** A hot or major complaint waits in analysis for its special report. */
  | { type: 'SPECIAL_REPORT_REQUIRED' }
  /** The analysis figures are in: archive the complaint. */
  | { type: 'CLOSE'; figures: Record<string, unknown> }
  /** A write failed for good (containment): the PROJECTION_FAILED event, once the complaint has a row. */
  | { type: 'WRITE_FAILED'; step: string; failureType: string; failure: string }
  /** A severity rule fired outside the complaint (its matter crossed a threshold): upgrade only, once per rule and matter. */
  | { type: 'SEVERITY_RULE'; severity: Severity; rule: string; matterId: string | null; firedAt: number }
  /** Another complaint was merged into this one (its workflow says so): recorded once per merged complaint. */
  | { type: 'MERGE_RECEIVED'; args: MergeReceivedArgs }
  /** What became of a message to the complainant (the delivery loop says so): recorded once per message; delivered, it meets the deadlines it meets. */
  | { type: 'CUSTOMER_MESSAGE_RESULT'; result: CustomerMessageOutcome }
  /** The complainant confirmed or disputed the callback result on the status page: recorded once per request. */
  | { type: 'CUSTOMER_RESPONDED'; response: CustomerResponseArgs };

/** One message's outcome, as the delivery loop reports it. */
export interface CustomerMessageOutcome {
  messageId: string;
  kind: string;
  channel: string;
  status: 'DELIVERED' | 'FAILED' | 'OPTED_OUT' | 'NO_CONTACT';
  meets: readonly DeadlineKind[];
  reason: string | null;
}

/** The complainant's answer to the callback result. */
export interface CustomerResponseArgs {
  response: 'CONFIRMED' | 'DISPUTED';
  comment: string | null;
  requestId: string;
}

// The most message outcomes and customer responses a complaint remembers (to ignore a repeat): the newest.
const REMEMBERED_CUSTOMER_IDS = 50;
// Deadlines a delivered message may meet: those about hearing back, nothing else.
const MET_BY_MESSAGES: readonly DeadlineKind[] = ['CUSTOMER_REPLY', 'PROGRESS_REPLY'];

export type ComplaintCommand = StaffCommand | SystemCommand;

/** Why a command was refused; every refusal carries a message staff can act on. */
export type RefusalCode =
  | 'NOT_REGISTERED' | 'ALREADY_REGISTERED' | 'NOT_ALLOWED_IN_STATUS' | 'NOT_HOT_OR_MAJOR' | 'SPECIAL_REPORT_ALREADY_SUBMITTED'
  | 'NOT_READY_TO_CLOSE' | 'COMPLAINT_ENDED' | SeverityRefusal['refusal'] | 'ALREADY_OWNER' | 'MERGE_CYCLE' | 'MERGE_ALREADY_RECORDED'
  | 'ALREADY_RECORDED' | 'NOT_AWAITING_CALLBACK';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** What the shell must do after applying a result. */
export type LifecycleEffect =
  /** Write the new state and the events (one write); `step` names it in a failure record if it fails for good. */
  | { type: 'PERSIST'; step: string }
  /** Intake: write the row, its reference and the first events in one transaction, then send REGISTERED. */
  | { type: 'REGISTER' }
  /** Deadlines (or the status) changed: the timer loop wakes and arms its timer for the earliest open deadline. */
  | { type: 'REARM_TIMER' }
  /** WRITE_FAILED: the events go out with the failure record (not through the projection write that failed). */
  | { type: 'RECORD_FAILURE' };

export interface Applied {
  state: ComplaintState;
  events: TimelineEventRecord[];
  effects: LifecycleEffect[];
}

/**
 * Decisions about running workflows' behaviour that the shell takes with Temporal's `patched()` and
 * hands in. Left undefined, the reducer asks for a decision only when it needs one (see {@link Undecided}),
 * so the shell calls `patched()` exactly where the decision is made, and never otherwise.
 */
export interface LifecyclePatches {
  /** An uncomputable deadline falls back to a safe due time and is recorded (DEADLINE_UNCOMPUTABLE); else the maths throws. */
  uncomputableDeadlineFallsBack?: boolean;
  /** Severity follows the facts: time-based rules on the timer, reopened → IMPORTANT, the timer re-armed for them. */
  severityFollowsFacts?: boolean;
}

/** The reducer needs this decision: the shell takes it and calls `reduce` again with it (the reducer is pure, so this is safe). */
export interface Undecided {
  undecided: keyof LifecyclePatches;
}

export type ReduceResult = Applied | { refused: Refusal } | Undecided;

export interface LifecycleContext {
  /** The instant of the step (the workflow's deterministic clock). */
  now: number;
  /** The policy the complaint was registered under (deadline rules, callback rule, severity thresholds). */
  policy: Policy;
  /** The complaint's kind (some deadlines apply only to repairs). */
  complaintKind: ComplaintKind;
  /** The customer's own deadline for a resolution, epoch ms. */
  customerDeadlineMs?: number | null;
  /** The retry key of the staff action being applied: its events carry it (`data.retryKey`). */
  retryKey?: string | null;
  /** What intake recorded (the facts and reception time of a state from before severity followed the facts). */
  intake?: IntakeFacts;
  patches: LifecyclePatches;
}

/** True for the complaints that are archived only with a special report. */
/** A deadline neither met nor breached yet: its clock is still running. */
export const isOpenDeadline = (d: Pick<DeadlineState, 'metAt' | 'breachedAt' | 'cancelledAt'>): boolean =>
  d.metAt === null && d.breachedAt === null && !d.cancelledAt;

export const isHotOrMajor = (s: Pick<ComplaintState, 'severity'>): boolean => s.severity === 'HOT' || s.severity === 'MAJOR';

/** True when analysis may run and the complaint may close (hot and major ones need their special report first). */
export function readyToClose(s: Pick<ComplaintState, 'status' | 'severity' | 'specialReport'>): boolean {
  return s.status === 'ANALYSIS_PENDING' && (!isHotOrMajor(s) || s.specialReport !== null);
}

/** Severity at intake, by the facts recorded and the policy's thresholds. */
export function classifyIntake(intake: IntakeFacts, policy: Policy): SeverityClassification {
  return classifySeverity(
    {
      householdsAffected: intake.householdsAffected,
      lossAmountYuan: intake.lossAmountYuan ?? undefined,
      injury: intake.injury,
      mediaExposure: intake.mediaExposure,
      litigation: intake.litigation,
    },
    policy.severity,
  );
}

/** The state of a complaint before its intake events (round 1, RECEIVED, severity classified). */
export function initialComplaintState(intake: IntakeFacts, policy: Policy, calendar: BranchCalendar): ComplaintState {
  return {
    reference: null,
    status: 'RECEIVED',
    round: 1,
    category: intake.category,
    severity: classifyIntake(intake, policy).severity,
    validity: 'UNDETERMINED',
    responsibility: 'UNDETERMINED',
    assigneeId: null,
    acknowledgedAt: null,
    resolvedAt: null,
    closedAt: null,
    satisfied: null,
    lastCallbackMethod: null,
    deadlines: [],
    seq: 0,
    followUpsSinceDispatch: 0,
    assigneeIsContractor: false,
    specialReport: null,
    calendar,
    facts: factsOfIntake(intake),
    receivedAt: intake.receivedAt,
    facilityOutage: intake.facilityOutage ? { kind: intake.facilityOutage.kind, since: intake.facilityOutage.since, restoredAt: null } : null,
    firedRules: [],
  };
}

/**
 * Whether a staff action may be taken now, by status alone (the Update validators' check): null when
 * it may, else the refusal. `reduce` applies the same check first, then the action's own rules.
 */
export function staffActionRefusal(state: Pick<ComplaintState, 'reference' | 'status'>, action: ComplaintAction): Refusal | null {
  if (state.reference === null) return { code: 'NOT_REGISTERED', message: 'the complaint is still being registered' };
  const error = transitionError(action, state.status);
  return error ? { code: 'NOT_ALLOWED_IN_STATUS', message: error } : null;
}

class NeedsDecision {
  constructor(readonly patch: keyof LifecyclePatches) {}
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const refused = (code: RefusalCode, message: string): { refused: Refusal } => ({ refused: { code, message } });

/**
 * Applies one command to a complaint. Pure and deterministic: the input state is not touched, the
 * result holds a new state, the timeline events in the order (and with the seq numbers) they are
 * written, and the effects the shell carries out.
 */
export function reduce(state: ComplaintState, command: ComplaintCommand, ctx: LifecycleContext): ReduceResult {
  try {
    return severityRearm(state, new Step(state, ctx).run(command), ctx);
  } catch (err) {
    if (err instanceof NeedsDecision) return { undecided: err.patch };
    throw err;
  }
}

/** The timer also waits for the next time-based severity rule: when a step moved it, the timer is re-armed. */
function severityRearm(before: ComplaintState, r: ReduceResult, ctx: LifecycleContext): ReduceResult {
  if (!('state' in r) || r.effects.some((e) => e.type === 'REARM_TIMER')) return r;
  const t = ctx.policy.severity;
  if (nextSeverityRuleAt(before, t, ctx.intake) === nextSeverityRuleAt(r.state, t, ctx.intake)) return r;
  const decided = ctx.patches.severityFollowsFacts;
  if (decided === undefined) throw new NeedsDecision('severityFollowsFacts');
  return decided ? { ...r, effects: [...r.effects, { type: 'REARM_TIMER' }] } : r;
}

/** One command's application on a private copy of the state. */
class Step {
  private readonly s: ComplaintState;
  private readonly events: TimelineEventRecord[] = [];
  private deadlinesChanged = false;

  constructor(state: ComplaintState, private readonly ctx: LifecycleContext) {
    // Only the deadlines are changed in place; everything else nested is replaced whole.
    this.s = { ...state, deadlines: state.deadlines.map((d) => ({ ...d })) };
  }

  run(command: ComplaintCommand): ReduceResult {
    const s = this.s;
    const { now } = this.ctx;
    switch (command.type) {
      case 'RECEIVE': {
        if (s.reference !== null) return refused('ALREADY_REGISTERED', 'the complaint is already registered');
        const { intake } = command;
        this.emit('RECEIVED', intake.firstContactOwnerId, { channel: intake.channel });
        const { severity, reasons } = classifyIntake(intake, this.ctx.policy);
        this.emit('CLASSIFIED', 'system', { kind: intake.kind, category: intake.category, severity, reasons, emergency: intake.emergency });
        this.moment('RECEIVED', 'system', intake.receivedAt);
        return this.done({ type: 'REGISTER' });
      }
      case 'REGISTERED':
        if (s.reference !== null) return refused('ALREADY_REGISTERED', 'the complaint is already registered');
        s.reference = command.reference;
        return this.done();
      case 'TIMER_FIRED':
        // An action handled in the same workflow task (a withdrawal) may have ended the complaint.
        if (isTerminal(s.status)) return refused('COMPLAINT_ENDED', `the complaint is ${s.status}; its deadlines no longer run`);
        this.breachOverdue(now);
        if (timedRulesDue(s, this.ctx.policy.severity, now, this.ctx.intake) && this.decide('severityFollowsFacts')) {
          this.severity(applyTimedRules(s, this.ctx.policy.severity, now, this.ctx.intake));
        }
        return this.done({ type: 'PERSIST', step: 'DEADLINE_TIMER' });
      case 'CALENDAR_CHANGED':
        this.calendarChanged(command.calendar, command.changedBy);
        return this.done(...(s.reference !== null ? [{ type: 'PERSIST', step: 'CALENDAR_CHANGED' } as const] : []));
      case 'SPECIAL_REPORT_REQUIRED':
        if (s.status !== 'ANALYSIS_PENDING' || !isHotOrMajor(s)) {
          return refused('NOT_HOT_OR_MAJOR', `a special report is required only for hot or major complaints in analysis; this one is ${s.severity}, ${s.status}`);
        }
        this.emit('SPECIAL_REPORT_REQUIRED', 'system', { severity: s.severity });
        return this.done({ type: 'PERSIST', step: 'SPECIAL_REPORT_REQUIRED' });
      case 'CLOSE':
        if (!readyToClose(s)) return refused('NOT_READY_TO_CLOSE', `the complaint cannot close while it is ${s.status}${isHotOrMajor(s) ? ' without its special report' : ''}`);
        s.status = 'CLOSED';
        s.closedAt = now;
        this.emit('ANALYSED', 'system', { ...command.figures });
        this.moment('CLOSED', 'system');
        this.emit('CLOSED', 'system');
        return this.done({ type: 'PERSIST', step: 'CLOSE' });
      case 'MERGE_RECEIVED': {
        const a = command.args;
        if (s.reference === null) return refused('NOT_REGISTERED', 'the complaint is still being registered');
        if (isTerminal(s.status)) return refused('COMPLAINT_ENDED', `the complaint is ${s.status}; nothing more can be merged into it`);
        if ((s.mergedFrom ?? []).includes(a.fromId)) return refused('MERGE_ALREADY_RECORDED', 'this merge is already on the timeline');
        s.mergedFrom = [...(s.mergedFrom ?? []), a.fromId];
        this.emit('MERGE_RECEIVED', a.actorId, { fromId: a.fromId, fromReference: a.fromReference, reason: a.reason });
        return this.done({ type: 'PERSIST', step: 'MERGE_RECEIVED' });
      }
      case 'CUSTOMER_MESSAGE_RESULT': {
        const r = command.result;
        if (s.reference === null) return refused('NOT_REGISTERED', 'the complaint is still being registered');
        if (isTerminal(s.status)) return refused('COMPLAINT_ENDED', `the complaint is ${s.status}`);
        if ((s.messageResults ?? []).includes(r.messageId)) return refused('ALREADY_RECORDED', 'this message is already on the timeline');
        s.messageResults = [...(s.messageResults ?? []), r.messageId].slice(-REMEMBERED_CUSTOMER_IDS);
        if (r.status === 'DELIVERED') {
          this.emit('CUSTOMER_MESSAGE_DELIVERED', 'system', { messageId: r.messageId, kind: r.kind, channel: r.channel });
          for (const kind of r.meets) if (MET_BY_MESSAGES.includes(kind)) this.meetDeadline(kind, 'system');
        } else {
          // The dispatcher phones instead: the timeline says why the message did not reach the customer.
          this.emit('CUSTOMER_MESSAGE_FAILED', 'system', { messageId: r.messageId, kind: r.kind, channel: r.channel, status: r.status, reason: r.reason });
        }
        return this.done({ type: 'PERSIST', step: 'CUSTOMER_MESSAGE_RESULT' });
      }
      case 'CUSTOMER_RESPONDED': {
        const r = command.response;
        if (s.reference === null) return refused('NOT_REGISTERED', 'the complaint is still being registered');
        if ((s.customerResponses ?? []).includes(r.requestId)) return refused('ALREADY_RECORDED', 'this response is already on the timeline');
        if (s.status !== 'CALLBACK_PENDING') return refused('NOT_AWAITING_CALLBACK', `the complaint is ${s.status}, not waiting for its callback`);
        s.customerResponses = [...(s.customerResponses ?? []), r.requestId].slice(-REMEMBERED_CUSTOMER_IDS);
        this.emit(r.response === 'CONFIRMED' ? 'CUSTOMER_CONFIRMED' : 'CUSTOMER_DISPUTED', 'customer', r.comment ? { comment: r.comment } : {});
        return this.done({ type: 'PERSIST', step: 'CUSTOMER_RESPONDED' });
      }
      case 'SEVERITY_RULE': {
        if (s.reference === null) return refused('NOT_REGISTERED', 'the complaint is still being registered');
        if (isTerminal(s.status)) return refused('COMPLAINT_ENDED', `the complaint is ${s.status}; its severity no longer changes`);
        // The same rule of the same matter again: nothing to record or write.
        if ((s.firedRules ?? []).includes(matterRuleKey(command.matterId, command.rule))) return this.done();
        this.severity(applyMatterRule(s, command.severity, command.rule, command.matterId, command.firedAt));
        return this.done({ type: 'PERSIST', step: 'SEVERITY_RULE' });
      }
      case 'WRITE_FAILED':
        // Before registration there is no row to attach the event to: the failure is only logged.
        if (s.reference !== null) {
          s.seq += 1;
          this.events.push({ seq: s.seq, at: now, type: 'PROJECTION_FAILED', actor: 'system', data: { step: command.step, failureType: command.failureType, failure: command.failure } });
        }
        return this.done({ type: 'RECORD_FAILURE' });
      default:
        return this.staff(command);
    }
  }

  private staff(command: StaffCommand): ReduceResult {
    const refusal = staffActionRefusal(this.s, command.type);
    if (refusal) return { refused: refusal };
    const s = this.s;
    const { now } = this.ctx;
    switch (command.type) {
      case 'DISPATCH': {
        const a = command.args;
        const redispatch = s.assigneeId !== null && s.status !== 'RECEIVED';
        s.assigneeId = a.assigneeId;
        s.assigneeIsContractor = a.assigneeIsContractor ?? false;
        s.status = 'DISPATCHED';
        s.acknowledgedAt = null;
        s.followUpsSinceDispatch = 0;
        this.emit(redispatch ? 'REDISPATCHED' : 'DISPATCHED', a.actorId, { assigneeId: a.assigneeId, note: a.note });
        this.moment('DISPATCHED', a.actorId);
        // Validity once decided stays decided across re-dispatch.
        if (s.validity !== 'UNDETERMINED') this.meetDeadline('VALIDITY', a.actorId);
        break;
      }
      case 'ACKNOWLEDGE':
        s.status = 'IN_PROGRESS';
        s.acknowledgedAt = now;
        this.emit('ACKNOWLEDGED', command.args.actorId);
        this.moment('ACKNOWLEDGED', command.args.actorId);
        break;
      case 'FOLLOW_UP': {
        const a = command.args;
        s.followUpsSinceDispatch += 1;
        this.emit('FOLLOW_UP', a.actorId, { note: a.note, customerInformed: a.customerInformed, ...(a.messageCustomer === true ? { messageCustomer: true } : {}) });
        this.moment('FOLLOW_UP', a.actorId);
        if (s.followUpsSinceDispatch >= 2) this.moment('SECOND_FOLLOW_UP', a.actorId);
        // 件件有回音: telling the customer the progress fulfils the reply obligations.
        if (a.customerInformed) this.moment('CUSTOMER_INFORMED', a.actorId);
        break;
      }
      case 'DETERMINE_VALIDITY': {
        const a = command.args;
        s.validity = a.validity;
        s.responsibility = a.responsibility;
        this.emit('VALIDITY_DETERMINED', a.actorId, { validity: a.validity, responsibility: a.responsibility, reason: a.reason });
        this.moment('VALIDITY_DETERMINED', a.actorId);
        break;
      }
      case 'RESOLVE': {
        const a = command.args;
        s.status = 'RESOLVED';
        s.resolvedAt = now;
        this.emit('RESOLVED', a.actorId, { resolution: a.resolution, customerSigned: a.customerSigned, ...(a.workOrderOverrideReason ? { workOrderOverrideReason: a.workOrderOverrideReason } : {}) });
        // The customer hears the result, which answers the reply obligations too.
        for (const kind of deadlinesMetBy('RESOLVED')) this.meetDeadline(kind, a.actorId);
        const callbackRequired = this.ctx.policy.callback.requiredFor === 'ALL' || s.validity !== 'INVALID';
        if (callbackRequired) {
          s.status = 'CALLBACK_PENDING';
          this.emit('CALLBACK_PENDING', null);
          this.moment('RESOLVED', a.actorId, now);
        } else {
          this.enterAnalysis('callback not required for an invalid complaint under this policy');
        }
        break;
      }
      case 'CALLBACK': {
        const a = command.args;
        s.satisfied = a.satisfied;
        s.lastCallbackMethod = a.method;
        this.emit('CALLBACK', a.actorId, { method: a.method, satisfied: a.satisfied, comment: a.comment });
        this.moment('CALLBACK', a.actorId);
        if (a.satisfied) {
          this.enterAnalysis(null);
        } else {
          // Unsatisfied: a new round, back to the same assignee, who must acknowledge and resolve again, on fresh clocks.
          s.round += 1;
          s.status = 'DISPATCHED';
          s.resolvedAt = null;
          s.acknowledgedAt = null;
          s.followUpsSinceDispatch = 0;
          this.emit('REOPENED', a.actorId, { round: s.round, comment: a.comment });
          this.moment('DISPATCHED', a.actorId);
          this.startDeadline('RESOLUTION', now, null);
          // vanke-sh: a reopened complaint is at least IMPORTANT.
          if (reopenedRuleApplies(s, this.ctx.policy.severity) && this.decide('severityFollowsFacts')) {
            this.severity(applyReopened(s, this.ctx.policy.severity));
          }
        }
        break;
      }
      case 'UPDATE_FACTS': {
        const a = command.args;
        const r = applyFactsUpdate(s, a.facts, a.reason, a.actorId, this.ctx.policy.severity, this.ctx.intake);
        if ('refusal' in r) return refused(r.refusal, r.message);
        this.severity(r);
        break;
      }
      case 'RECLASSIFY': {
        const a = command.args;
        const r = applyReclassify(s, a.category, a.severity, a.reason, a.actorId);
        if ('refusal' in r) return refused(r.refusal, r.message);
        this.severity(r);
        break;
      }
      case 'RECORD_FACILITY_RESTORED': {
        const a = command.args;
        const r = applyFacilityRestored(s, a.restoredAt, a.actorId, this.ctx.policy.severity, now);
        if ('refusal' in r) return refused(r.refusal, r.message);
        this.severity(r);
        break;
      }
      case 'WITHDRAW':
        s.status = 'WITHDRAWN';
        s.closedAt = now;
        this.emit('WITHDRAWN', command.args.actorId, { reason: command.args.reason });
        this.deadlinesChanged = true;
        break;
      case 'SPECIAL_REPORT': {
        const a = command.args;
        if (!isHotOrMajor(s)) return refused('NOT_HOT_OR_MAJOR', `a special report is for hot or major complaints; this one is ${s.severity}`);
        if (s.specialReport) return refused('SPECIAL_REPORT_ALREADY_SUBMITTED', 'the special report has already been submitted');
        s.specialReport = { whatHappened: a.whatHappened, rootCause: a.rootCause, preventiveMeasures: a.preventiveMeasures, submittedAt: now, submittedBy: a.actorId };
        this.emit('SPECIAL_REPORT', a.actorId, { rootCause: a.rootCause });
        this.moment('SPECIAL_REPORT', a.actorId);
        break;
      }
      case 'MERGE': {
        const a = command.args;
        // A complaint already merged into this one cannot become its survivor's survivor.
        if ((s.mergedFrom ?? []).includes(a.intoId)) return refused('MERGE_CYCLE', `${a.intoReference} was merged into this complaint; it cannot be merged back`);
        s.status = 'MERGED';
        s.closedAt = now;
        s.mergedIntoId = a.intoId;
        // Its obligations pass to the survivor: the clocks stop without being met or breached.
        const closed: string[] = [];
        for (const d of s.deadlines) {
          if (d.metAt === null && !d.cancelledAt) {
            d.cancelledAt = now;
            closed.push(d.kind);
          }
        }
        this.emit('MERGED_INTO', a.actorId, { intoId: a.intoId, intoReference: a.intoReference, reason: a.reason, closedDeadlines: closed });
        this.deadlinesChanged = true;
        break;
      }
      case 'HAND_OVER': {
        const a = command.args;
        const from = s.ownerId ?? command.firstContactOwnerId;
        if (a.toUserId === from) return refused('ALREADY_OWNER', 'the complaint is already followed through by this user');
        s.ownerId = a.toUserId;
        this.emit('HANDED_OVER', a.actorId, { fromUserId: from, toUserId: a.toUserId, note: a.note });
        break;
      }
    }
    return this.done({ type: 'PERSIST', step: command.type });
  }

  /** The shell's decision on a patch (asked for only where a rule needs it). */
  private decide(patch: keyof LifecyclePatches): boolean {
    const decided = this.ctx.patches[patch];
    if (decided === undefined) throw new NeedsDecision(patch);
    return decided;
  }

  /** Emits a severity step's events; a complaint that became HOT or MAJOR owes its special report (REPORT starts now). */
  private severity(step: SeverityStep): void {
    for (const e of step.events) this.emit(e.type, e.actor, e.data);
    const s = this.s;
    if (step.raisedToHotOrMajor && s.specialReport === null && !s.deadlines.some((d) => d.kind === 'REPORT')) {
      this.startDeadline('REPORT', this.ctx.now, null);
    }
  }

  private done(...effects: LifecycleEffect[]): Applied {
    return { state: this.s, events: this.events, effects: this.deadlinesChanged ? [...effects, { type: 'REARM_TIMER' }] : effects };
  }

  private emit(type: string, actor: string | null, data: Record<string, unknown> = {}): void {
    const { retryKey } = this.ctx;
    this.s.seq += 1;
    this.events.push({ seq: this.s.seq, at: this.ctx.now, type, actor, data: retryKey === null || retryKey === undefined ? data : { ...data, retryKey } });
  }

  // --- deadlines -------------------------------------------------------------------------------

  private dueFor(d: Pick<DeadlineState, 'kind' | 'anchorAt'>): { dueAt: number | null; problem: { reason: string; message: string } | null } {
    const rule = this.ctx.policy.deadlines[d.kind];
    const opts = { customerDeadlineMs: this.ctx.customerDeadlineMs ?? undefined };
    const fallsBack = this.ctx.patches.uncomputableDeadlineFallsBack;
    if (fallsBack === undefined) throw new NeedsDecision('uncomputableDeadlineFallsBack');
    if (!fallsBack) return { dueAt: computeDueAt(rule, d.anchorAt, this.s.calendar, opts), problem: null };
    const r = tryComputeDueAt(rule, d.anchorAt, this.s.calendar, opts);
    return r.ok ? { dueAt: r.dueAt, problem: null } : { dueAt: r.fallbackDueAt, problem: { reason: r.reason, message: r.message } };
  }

  private startDeadline(kind: DeadlineKind, anchorAt: number, actor: string | null): void {
    const s = this.s;
    const rule = this.ctx.policy.deadlines[kind];
    if (!rule || rule.enabled === false) return;
    const { dueAt, problem } = this.dueFor({ kind, anchorAt });
    if (problem) {
      // Staff see it on the timeline; the deadline runs on the fallback (calendar time, capped) instead.
      this.emit('DEADLINE_UNCOMPUTABLE', 'system', { kind, round: s.round, reason: problem.reason, message: problem.message, fallbackDueAt: iso(dueAt) });
    }
    if (dueAt === null) return;
    // A restart (new round, re-dispatch) replaces the open deadline of the same kind.
    s.deadlines = s.deadlines.filter((d) => !(d.kind === kind && isOpenDeadline(d)));
    s.deadlines.push({ kind, round: s.round, anchorAt, dueAt, metAt: null, breachedAt: null });
    this.emit('DEADLINE_SET', actor, { kind, dueAt: new Date(dueAt).toISOString(), round: s.round, businessTime: rule.businessTime });
    this.deadlinesChanged = true;
  }

  /** Records a deadline's breach: who hears of it, and the follow-up task it calls for. */
  private breach(d: DeadlineState, now: number): void {
    d.breachedAt = now;
    const { notify, task } = DEADLINE_PLAN[d.kind].onBreach;
    this.emit('DEADLINE_BREACHED', 'system', {
      kind: d.kind, round: d.round, dueAt: new Date(d.dueAt).toISOString(), notify,
      ...(notify === 'ASSIGNEE' && this.s.assigneeId ? { notifyUserId: this.s.assigneeId } : {}), ...(task ? { task } : {}),
    });
  }

  private breachOverdue(now: number): void {
    for (const d of this.s.deadlines) if (isOpenDeadline(d) && d.dueAt <= now) this.breach(d, now);
  }

  private meetDeadline(kind: DeadlineKind, actor: string | null): void {
    const { now } = this.ctx;
    for (const d of this.s.deadlines) {
      if (d.kind === kind && d.metAt === null && !d.cancelledAt) {
        // Met after its due time but before the timer was handled (same workflow task): still a breach, met late.
        if (d.breachedAt === null && d.dueAt < now) this.breach(d, now);
        d.metAt = now;
        this.emit('DEADLINE_MET', actor, { kind, round: d.round, dueAt: new Date(d.dueAt).toISOString(), late: d.breachedAt !== null });
        this.deadlinesChanged = true;
      }
    }
  }

  /** A lifecycle moment: fulfil what it fulfils, then start what it starts (domain DEADLINE_PLAN). */
  private moment(m: LifecycleMoment, actor: string | null, at = this.ctx.now): void {
    for (const kind of deadlinesMetBy(m)) this.meetDeadline(kind, actor);
    const facts = { kind: this.ctx.complaintKind, severity: this.s.severity, assigneeIsContractor: this.s.assigneeIsContractor };
    for (const kind of deadlinesStartedBy(m, facts)) this.startDeadline(kind, at, null);
  }

  private calendarChanged(calendar: BranchCalendar, changedBy: string | null): void {
    const s = this.s;
    s.calendar = calendar;
    const moved: Record<string, unknown>[] = [];
    const uncomputable: Record<string, unknown>[] = [];
    for (const d of s.deadlines.filter(isOpenDeadline)) {
      const { dueAt, problem } = this.dueFor(d);
      if (problem || dueAt === null) {
        // Not computable on the new calendar: the deadline keeps its due time, and staff see why.
        uncomputable.push({ kind: d.kind, round: d.round, reason: problem?.reason, message: problem?.message, keptDueAt: iso(d.dueAt) });
        continue;
      }
      if (dueAt !== d.dueAt) {
        moved.push({ kind: d.kind, round: d.round, from: new Date(d.dueAt).toISOString(), to: new Date(dueAt).toISOString() });
        d.dueAt = dueAt;
      }
    }
    this.emit('CALENDAR_CHANGED', changedBy, { rescheduled: moved });
    for (const u of uncomputable) this.emit('DEADLINE_UNCOMPUTABLE', 'system', u);
    this.deadlinesChanged = true;
  }

  private enterAnalysis(note: string | null): void {
    this.s.status = 'ANALYSIS_PENDING';
    this.emit('ANALYSIS_PENDING', null, note ? { note } : {});
    this.deadlinesChanged = true;
  }
}
