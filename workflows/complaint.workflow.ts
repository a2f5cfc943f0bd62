import type { UpdateDefinition } from '@temporalio/common';
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, proxyLocalActivities,
  setHandler, workflowInfo, getExternalWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, WorkflowIdReusePolicy, startChild } from '@temporalio/workflow';
// Relative imports only: path aliases do not resolve inside the workflow bundle.
import { escalationTriggers, triggerKey } from '../libs/domain/src/escalation/escalation.util';
import type { escalationWorkflow } from './escalation.workflow';
import { escalationComplaintEndedSignal } from './shared/escalation';
import { escalationWorkflowId as escalationId } from './shared/ids';
import { tenantSearchAttributes } from './shared/search-attributes';
import {
  ComplaintCommand, LifecycleEffect, LifecyclePatches, ReduceResult, StaffCommand, initialComplaintState, isOpenDeadline, readyToClose, reduce,
  staffActionRefusal,
} from '../libs/domain/src/lifecycle/complaint.reducer';
import { ComplaintAction, isTerminal } from '../libs/domain/src/lifecycle/lifecycle.util';
import { CALLBACK_METHODS, DEADLINE_KINDS, SEVERITIES } from '../libs/domain/src/enums';
import { nextSeverityRuleAt } from '../libs/domain/src/severity/severity-lifecycle.util';
import type { FacilityRestoredArgs, ReclassifyArgs, UpdateFactsArgs } from './shared/complaint.types';
import {
  customerMessageResultSignal, customerRespondedSignal, facilityRestoredUpdate, reclassifyUpdate, severityRuleSignal, updateFactsUpdate,
} from './shared/updates';
import type { ComplaintActivities } from './shared/complaint.activities.types';
import {
  ActionBase, ActionResult, CallbackArgs, ComplaintState, ComplaintWorkflowInput, DATA_REJECTED, DispatchArgs,
  FollowUpArgs, INVALID_TRANSITION, PROJECTION_FAILED, REGISTRATION_FAILED, ResolveArgs, SpecialReportArgs,
  TENANT_MISMATCH, TenantStamped, TimelineEventRecord, ValidityArgs, WithdrawArgs, MergeArgs, HandOverArgs,
} from './shared/complaint.types';
import { complaintWorkflowId } from './shared/ids';
import {
  acknowledgeUpdate, calendarChangedSignal, callbackUpdate, dispatchUpdate, followUpUpdate, intakeUpdate, resolveUpdate,
  specialReportUpdate, stateQuery, validityUpdate, withdrawUpdate, mergeUpdate, handOverUpdate, mergeReceivedSignal,
} from './shared/updates';
import { createExclusive } from './shared/exclusive';
import { appliedActions } from './shared/applied-actions';
import { workOrderReturnVisitSignal } from './shared/work-order';

const acts = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  // Writes are idempotent, so retry until the database is back rather than lose a step.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});
// The read-model writes are short and idempotent: as local activities they run inside the workflow
// task, saving a round trip through the server on every step (re-run safely if the task is retried).
// A database that is down is retried for ever; a write that can never succeed (the activity says
// DATA_REJECTED, or a programming error) fails at once so the workflow can contain it.
const writes = proxyLocalActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2,
    nonRetryableErrorTypes: [DATA_REJECTED, 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError'],
  },
});

// Behaviour changes to running workflows (see patched() in the Temporal docs).
/** A deadline the engine cannot compute falls back to a safe due time and records DEADLINE_UNCOMPUTABLE. */
const PATCH_UNCOMPUTABLE_DEADLINE = 'uncomputable-deadline-falls-back';
/** A write that failed for good refuses the action, restores the state and records PROJECTION_FAILED. */
const PATCH_PROJECTION_FAILURE = 'projection-failure-contained';
/** A registration that failed for good answers intake with REGISTRATION_FAILED and ends the workflow. */
const PATCH_REGISTRATION_FAILURE = 'registration-failure-ends-intake';
/** Actions applied under a retry key are remembered (across continue-as-new) and a retry returns the first outcome. */
const PATCH_APPLIED_ACTIONS = 'applied-actions-remembered';
/** A calendar signal sent for another tenant (or naming none) is ignored. */
const PATCH_TENANT_CHECKED_SIGNALS = 'tenant-checked-signals';
/** Each escalation trigger the state holds (HOT, MAJOR, EMERGENCY, an escalating breach) starts one escalation workflow. */
const PATCH_ESCALATIONS = 'escalations';
/** Merge (the survivor hears of it, MERGE_RECEIVED) and hand-over (首问责任制). */
const PATCH_MERGE_HAND_OVER = 'merge-and-hand-over';
// Messages to the customer: their outcomes and the customer's answer on the status page reach the workflow.
const PATCH_CUSTOMER_MESSAGES = 'customer-messages';
/** Severity follows the facts: time-based rules (unresolved, facility outage) on the one timer, reopened → IMPORTANT, a matter's rule signal. */
const PATCH_SEVERITY_FOLLOWS_FACTS = 'severity-follows-facts';
/** A work order's unsatisfied return visit reopens a complaint waiting for its callback (an unsatisfied CALLBACK). */
const PATCH_WORK_ORDER_RETURN_VISIT = 'work-order-return-visit';

const DEFAULT_MAX_HISTORY_EVENTS = 2000;
/** The patch behind each decision the reducer may ask for (it never calls patched() itself). */
const DECISION_PATCHES: Record<keyof LifecyclePatches, string> = {
  uncomputableDeadlineFallsBack: PATCH_UNCOMPUTABLE_DEADLINE, severityFollowsFacts: PATCH_SEVERITY_FOLLOWS_FACTS,
};

const has = <T extends LifecycleEffect['type']>(effects: LifecycleEffect[], type: T): Extract<LifecycleEffect, { type: T }> | undefined =>
  effects.find((e): e is Extract<LifecycleEffect, { type: T }> => e.type === type);

/**
 * One complaint's whole life: intake → investigate → resolve → callback → analysis.
 * A thin shell over the lifecycle reducer (libs/domain/src/lifecycle/complaint.reducer.ts): staff
 * actions arrive as Updates whose validators refuse what the current status does not allow, timers
 * and the calendar signal become system commands, and the shell carries out the reducer's effects —
 * writes to the read model (local activities), the one durable timer, continue-as-new.
 */
export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintState> {
  // Replaced (never changed in place) by each command's result.
  let state: ComplaintState = input.state ?? initialComplaintState(input.intake, input.policy, input.calendar);
  const pending: TimelineEventRecord[] = [];
  // Bumped on every change that can move a deadline; the timer loop waits on it.
  let changes = 0;
  // Set when registration failed for good: intake answers with it and the workflow ends failed.
  let registrationFailure: string | null = null;
  // True once the complaint's row and first events are written: intake answers only then.
  const recorded = (): boolean => state.reference !== null;

  /**
   * Runs one command through the reducer and applies its result: the new state, the events queued
   * for the next write, the timer re-armed when deadlines changed. A decision the reducer asks for
   * is taken here, with patched(), at the point the rule needs it.
   */
  const step = (command: ComplaintCommand, retryKey: string | null = null): Exclude<ReduceResult, { undecided: unknown }> => {
    let patches: LifecyclePatches = {};
    for (;;) {
      const r = reduce(state, command, {
        now: Date.now(), policy: input.policy, complaintKind: input.intake.kind, customerDeadlineMs: input.intake.customerDeadline, retryKey, patches,
        intake: input.intake,
      });
      if ('undecided' in r) {
        patches = { ...patches, [r.undecided]: patched(DECISION_PATCHES[r.undecided]) };
        continue;
      }
      if ('refused' in r) return r;
      state = r.state;
      if (!has(r.effects, 'RECORD_FAILURE')) pending.push(...r.events);
      if (has(r.effects, 'REARM_TIMER')) changes += 1;
      return r;
    }
  };

  // Handlers run interleaved at their awaits; one lock keeps state changes and their writes in order.
  const exclusive = createExclusive();

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const events = pending.splice(0, pending.length);
    await writes.persistComplaint({ tenantId: input.tenantId, complaintId: input.complaintId, state: snapshot(), events });
  };
  const snapshot = (): ComplaintState => JSON.parse(JSON.stringify(state)) as ComplaintState;
  /** Puts the state back as it was (a refused action leaves no trace in it). */
  const restore = (saved: ComplaintState): void => {
    state = saved;
    changes += 1;
  };

  // --- writes that fail for good -----------------------------------------------------------------
  // A local activity's final failure reaches the workflow as the activity's ApplicationFailure itself
  // (a scheduled activity's as an ActivityFailure wrapping it): both mean "will not succeed on retry".
  const isFinalWriteFailure = (err: unknown): err is ActivityFailure | ApplicationFailure =>
    err instanceof ActivityFailure || err instanceof ApplicationFailure;
  const failureOf = (err: ActivityFailure | ApplicationFailure): { type: string; message: string } => {
    if (err instanceof ApplicationFailure) return { type: err.type ?? 'Error', message: err.message };
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
    return { type: cause?.name ?? 'Error', message: cause?.message ?? err.message };
  };
  /** The visible trace: an ALERT in the worker's log and, once the complaint has a row, a PROJECTION_FAILED event. */
  const recordFailure = async (stepName: string, err: ActivityFailure | ApplicationFailure): Promise<void> => {
    const { type, message } = failureOf(err);
    const r = step({ type: 'WRITE_FAILED', step: stepName, failureType: type, failure: message });
    const event = 'refused' in r ? null : r.events[0] ?? null;
    try {
      await writes.recordProjectionFailure({
        tenantId: input.tenantId, complaintId: input.complaintId, reference: state.reference, event, step: stepName, failureType: type, failureMessage: message,
      });
    } catch {
      // The activity logs its ALERT before writing; a trace that cannot be written must not wedge the complaint.
    }
  };
  /** flush() for system steps (timers, calendar, analysis): a write that fails for good is recorded, not retried for ever. */
  const commit = async (stepName: string): Promise<void> => {
    if (!patched(PATCH_PROJECTION_FAILURE)) return flush();
    try {
      await flush();
    } catch (err) {
      if (!isFinalWriteFailure(err)) throw err;
      await recordFailure(stepName, err);
    }
  };
  /**
   * A command of the workflow's own (timer, calendar, analysis): applied, then written when the reducer
   * says so. A refusal means there is nothing to do (a timer after the complaint ended); `expected`
   * lists the refusals that may happen, any other one is a defect.
   */
  const system = async (command: ComplaintCommand, expected: readonly string[] = []): Promise<void> => {
    const r = step(command);
    if ('refused' in r) {
      if (expected.includes(r.refused.code)) return;
      throw new Error(`${command.type} was refused: ${r.refused.message}`);
    }
    const persist = has(r.effects, 'PERSIST');
    if (persist) await commit(persist.step);
  };

  // --- tenant isolation ---------------------------------------------------------------------------
  // A command names the tenant it was sent for; one that is not this complaint's own is a defect of the
  // sender (the gateway and the propagation address complaints through the tenant's scope), never applied.
  const ownTenant = (tenantId: unknown): boolean => tenantId === input.tenantId;

  // --- staff actions ---------------------------------------------------------------------------
  const validate = (action: ComplaintAction): void => {
    const refusal = staffActionRefusal(state, action);
    if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, INVALID_TRANSITION);
  };
  // --- exactly-once actions ---------------------------------------------------------------------
  // Retry keys (Update ids derived from the client's requestId) of applied actions, oldest first, bounded.
  const applied = appliedActions<ActionResult>(input.appliedActions);
  const { retryKey } = applied;
  const remember = applied.remember;

  const act = <A extends ActionBase>(action: ComplaintAction, command: (args: A) => StaffCommand) => async (args: A): Promise<ActionResult> =>
    exclusive(async () => {
      // The same retry key again (even after continue-as-new, which Temporal's own de-duplication does not
      // cover): the first outcome, applied once.
      const key = retryKey();
      const seen = key === null ? undefined : applied.get(key);
      if (seen) return seen;
      // Re-checked under the lock: an earlier action may have moved the status since validation.
      validate(action);
      const before = patched(PATCH_PROJECTION_FAILURE) ? state : null;
      // The action's events carry its retry key, so a retry after the complaint has ended (no workflow
      // left to ask) can still be recognised from the timeline.
      const r = step(command(args), key !== null && patched(PATCH_APPLIED_ACTIONS) ? key : null);
      if ('refused' in r) throw ApplicationFailure.nonRetryable(r.refused.message, INVALID_TRANSITION);
      try {
        if (has(r.effects, 'PERSIST')) await flush();
      } catch (err) {
        if (before === null || !isFinalWriteFailure(err)) throw err;
        // The write can never succeed: refuse the action, keep the state the read model has, leave a trace.
        restore(before);
        await recordFailure(action, err);
        throw ApplicationFailure.nonRetryable(
          `The ${action} action could not be saved and was not applied; the complaint is unchanged (${failureOf(err).message})`,
          PROJECTION_FAILED,
        );
      }
      const result: ActionResult = { complaintId: input.complaintId, status: state.status, seq: state.seq };
      if (key !== null && patched(PATCH_APPLIED_ACTIONS)) remember(key, result);
      return result;
    });

  function onAction<A extends ActionBase>(
    def: UpdateDefinition<ActionResult, [TenantStamped<A>]>, action: ComplaintAction, command: (args: A) => StaffCommand,
  ): void {
    setHandler(def, act<TenantStamped<A>>(action, command), {
      // Validators run when an update arrives, never on replay: a history holding an action from before
      // actions carried their tenant replays as it was.
      validator: (args: TenantStamped<A>) => {
        // First, before any answer: another tenant's action learns nothing about this complaint.
        if (!ownTenant(args?.tenantId)) {
          throw ApplicationFailure.nonRetryable(`The ${action} action was sent for another tenant; refused`, TENANT_MISMATCH);
        }
        // A retry of an action already applied is answered with its first outcome, whatever the status is now.
        const key = retryKey();
        if (key !== null && applied.has(key)) return;
        validate(action);
      },
    });
  }

  setHandler(intakeUpdate, async () => {
    await condition(() => recorded() || registrationFailure !== null);
    if (!recorded()) throw ApplicationFailure.nonRetryable(registrationFailure as string, REGISTRATION_FAILED);
    return { complaintId: input.complaintId, reference: state.reference as string };
  });

  setHandler(stateQuery, () => state);

  onAction<DispatchArgs>(dispatchUpdate, 'DISPATCH', (args) => ({ type: 'DISPATCH', args }));
  onAction<ActionBase>(acknowledgeUpdate, 'ACKNOWLEDGE', (args) => ({ type: 'ACKNOWLEDGE', args }));
  onAction<FollowUpArgs>(followUpUpdate, 'FOLLOW_UP', (args) => ({ type: 'FOLLOW_UP', args }));
  onAction<ValidityArgs>(validityUpdate, 'DETERMINE_VALIDITY', (args) => ({ type: 'DETERMINE_VALIDITY', args }));
  onAction<ResolveArgs>(resolveUpdate, 'RESOLVE', (args) => ({ type: 'RESOLVE', args }));
  onAction<CallbackArgs>(callbackUpdate, 'CALLBACK', (args) => ({ type: 'CALLBACK', args }));
  onAction<WithdrawArgs>(withdrawUpdate, 'WITHDRAW', (args) => ({ type: 'WITHDRAW', args }));
  onAction<SpecialReportArgs>(specialReportUpdate, 'SPECIAL_REPORT', (args) => ({ type: 'SPECIAL_REPORT', args }));
  // Who merged it and why: the survivor's MERGE_RECEIVED says so (only a merge that applied ends the run MERGED).
  let mergeRequest: MergeArgs | null = null;
  onAction<MergeArgs>(mergeUpdate, 'MERGE', (args) => {
    mergeRequest = args;
    return { type: 'MERGE', args };
  });
  onAction<HandOverArgs>(handOverUpdate, 'HAND_OVER', (args) => ({ type: 'HAND_OVER', args, firstContactOwnerId: input.intake.firstContactOwnerId }));
  onAction<UpdateFactsArgs>(updateFactsUpdate, 'UPDATE_FACTS', (args) => ({ type: 'UPDATE_FACTS', args }));
  onAction<ReclassifyArgs>(reclassifyUpdate, 'RECLASSIFY', (args) => ({ type: 'RECLASSIFY', args }));
  onAction<FacilityRestoredArgs>(facilityRestoredUpdate, 'RECORD_FACILITY_RESTORED', (args) => ({ type: 'RECORD_FACILITY_RESTORED', args }));

  // A matter's severity rule fired (its workflow signals every complaint of the matter): upgrade only, once per rule and matter.
  setHandler(severityRuleSignal, async (sig) => {
    if (!patched(PATCH_SEVERITY_FOLLOWS_FACTS)) return;
    if (!ownTenant(sig?.tenantId) || typeof sig?.rule !== 'string' || !SEVERITIES.includes(sig?.severity)) {
      log.warn('severityRule signal for another tenant (or malformed) ignored', { signalTenantId: sig?.tenantId ?? null });
      return;
    }
    // Sent right after intake it waits for the complaint's row.
    await condition(() => recorded() || registrationFailure !== null);
    const firedAt = typeof sig.firedAt === 'number' && Number.isFinite(sig.firedAt) ? sig.firedAt : Date.now();
    await exclusive(() => system(
      { type: 'SEVERITY_RULE', severity: sig.severity, rule: sig.rule, matterId: sig.matterId ?? null, firedAt }, ['COMPLAINT_ENDED', 'NOT_REGISTERED'],
    ));
  });

  // One of the complaint's work orders had an unsatisfied return visit: a complaint waiting for its
  // callback records it as an unsatisfied callback and reopens; in any other status there is nothing to do.
  setHandler(workOrderReturnVisitSignal, async (sig) => {
    if (!patched(PATCH_WORK_ORDER_RETURN_VISIT)) return;
    if (!ownTenant(sig?.tenantId) || typeof sig?.workOrderId !== 'string' || typeof sig?.actorId !== 'string' || !CALLBACK_METHODS.includes(sig?.method)) {
      log.warn('workOrderReturnVisit signal for another tenant (or malformed) ignored', { signalTenantId: sig?.tenantId ?? null });
      return;
    }
    await condition(() => recorded() || registrationFailure !== null);
    const said = typeof sig.comment === 'string' && sig.comment.trim() !== '' ? `: ${sig.comment}` : '';
    const comment = `work order ${sig.workOrderId} return visit unsatisfied${said}`;
    await exclusive(() => system(
      { type: 'CALLBACK', args: { actorId: sig.actorId, method: sig.method, satisfied: false, comment } },
      ['NOT_ALLOWED_IN_STATUS', 'NOT_REGISTERED', 'COMPLAINT_ENDED'],
    ));
  });

  // Another complaint was merged into this one: its workflow says so, once; a repeat changes nothing.
  setHandler(mergeReceivedSignal, async (args) => {
    if (!patched(PATCH_MERGE_HAND_OVER)) return;
    if (!ownTenant(args?.tenantId) || typeof args?.fromId !== 'string') {
      log.warn('mergeReceived signal for another tenant (or malformed) ignored', { signalTenantId: args?.tenantId ?? null });
      return;
    }
    const { actorId, fromId, fromReference, reason } = args;
    await exclusive(() => system(
      { type: 'MERGE_RECEIVED', args: { actorId, fromId, fromReference, reason } }, ['COMPLAINT_ENDED', 'MERGE_ALREADY_RECORDED', 'NOT_REGISTERED'],
    ));
  });

  // What became of a message to the customer (the worker's delivery loop): once per message; delivered, it
  // meets the deadlines it meets (CUSTOMER_REPLY, PROGRESS_REPLY), failed, the timeline says why.
  setHandler(customerMessageResultSignal, async (sig) => {
    if (!patched(PATCH_CUSTOMER_MESSAGES)) return;
    const statuses = ['DELIVERED', 'FAILED', 'OPTED_OUT', 'NO_CONTACT'];
    if (!ownTenant(sig?.tenantId) || typeof sig?.messageId !== 'string' || !statuses.includes(sig?.status) || !Array.isArray(sig?.meets)) {
      log.warn('customerMessageResult signal for another tenant (or malformed) ignored', { signalTenantId: sig?.tenantId ?? null });
      return;
    }
    await condition(() => recorded() || registrationFailure !== null);
    const meets = sig.meets.filter((k): k is (typeof DEADLINE_KINDS)[number] => (DEADLINE_KINDS as readonly string[]).includes(k)).slice(0, DEADLINE_KINDS.length);
    await exclusive(() => system({
      type: 'CUSTOMER_MESSAGE_RESULT',
      result: {
        messageId: sig.messageId, kind: String(sig.kind).slice(0, 40), channel: String(sig.channel).slice(0, 20), status: sig.status, meets,
        reason: typeof sig.reason === 'string' ? sig.reason.slice(0, 300) : null,
      },
    }, ['COMPLAINT_ENDED', 'ALREADY_RECORDED', 'NOT_REGISTERED']));
  });

  // The complainant confirms or disputes the callback result on the status page: once per request.
  setHandler(customerRespondedSignal, async (sig) => {
    if (!patched(PATCH_CUSTOMER_MESSAGES)) return;
    if (!ownTenant(sig?.tenantId) || typeof sig?.requestId !== 'string' || !['CONFIRMED', 'DISPUTED'].includes(sig?.response)) {
      log.warn('customerResponded signal for another tenant (or malformed) ignored', { signalTenantId: sig?.tenantId ?? null });
      return;
    }
    const comment = typeof sig.comment === 'string' && sig.comment.trim() !== '' ? sig.comment.trim().slice(0, 200) : null;
    await exclusive(() => system(
      { type: 'CUSTOMER_RESPONDED', response: { response: sig.response, comment, requestId: sig.requestId.slice(0, 128) } },
      ['ALREADY_RECORDED', 'NOT_AWAITING_CALLBACK', 'NOT_REGISTERED'],
    ));
  });

  // A calendar declared late (a new holiday, changed hours) moves the deadlines not yet fired.
  setHandler(calendarChangedSignal, async ({ tenantId, calendar, changedBy }) => {
    // Another tenant's calendar never moves this complaint's deadlines: nothing recorded, nothing written.
    if (patched(PATCH_TENANT_CHECKED_SIGNALS) && !ownTenant(tenantId)) {
      log.warn('calendarChanged signal for another tenant ignored', { signalTenantId: tenantId ?? null });
      return;
    }
    await exclusive(async () => {
      await system({ type: 'CALENDAR_CHANGED', calendar, changedBy });
    });
  });

  // --- intake ----------------------------------------------------------------------------------
  if (state.reference === null) {
    await exclusive(async () => {
      const { intake } = input;
      const received = step({ type: 'RECEIVE', intake });
      if ('refused' in received) throw new Error(`RECEIVE was refused: ${received.refused.message}`);
      // One write: the row (with its reference) and the intake events and clocks.
      const events = pending.splice(0, pending.length);
      const contained = patched(PATCH_REGISTRATION_FAILURE);
      try {
        const { reference } = await writes.registerComplaint({
          tenantId: input.tenantId, complaintId: input.complaintId, intake, policyVersion: input.policyVersion, severity: state.severity,
          state: snapshot(), events,
        });
        step({ type: 'REGISTERED', reference });
      } catch (err) {
        if (!contained || !isFinalWriteFailure(err)) throw err;
        // Nothing was written (one transaction): intake answers with the failure and the workflow ends.
        await recordFailure('REGISTRATION', err);
        registrationFailure = `The complaint could not be registered and nothing was saved (${failureOf(err).message})`;
      }
    });
    if (registrationFailure !== null) {
      await condition(allHandlersFinished);
      throw ApplicationFailure.nonRetryable(registrationFailure, REGISTRATION_FAILED);
    }
  }

  // --- escalations: each trigger the state holds starts its escalation workflow once ----------------
  // The child outlives this run (ABANDON: continue-as-new and closure do not stop it); its id is
  // deterministic and a duplicate start is refused, and the raised keys travel across continue-as-new.
  const raisedEscalations = new Set(input.raisedEscalations ?? []);
  let escalationsStarting = 0;
  const escalating = patched(PATCH_ESCALATIONS);
  const newTriggers = () => escalationTriggers(state, input.intake.emergency, input.policy.escalation).filter((t) => !raisedEscalations.has(triggerKey(t)));
  const escalator = async (): Promise<void> => {
    while (!isTerminal(state.status)) {
      await condition(() => isTerminal(state.status) || newTriggers().length > 0);
      for (const t of newTriggers()) {
        const rule = input.policy.escalation?.triggers[t.trigger];
        raisedEscalations.add(triggerKey(t));
        if (!rule || isTerminal(state.status)) continue;
        escalationsStarting += 1;
        try {
          await startChild<typeof escalationWorkflow>('escalationWorkflow', {
            workflowId: escalationId(input.tenantId, input.complaintId, t.trigger, t.round),
            args: [{
              tenantId: input.tenantId, complaintId: input.complaintId, branchId: input.intake.branchId, companyId: input.intake.companyId,
              trigger: t.trigger, round: t.round, reason: t.reason, rule,
            }],
            parentClosePolicy: ParentClosePolicy.ABANDON,
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            typedSearchAttributes: tenantSearchAttributes(input.tenantId),
          });
        } catch (err) {
          // Already raised (by an earlier run of this chain): never twice.
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        } finally {
          escalationsStarting -= 1;
        }
      }
    }
  };
  if (escalating) void escalator();

  // --- the clock: one durable timer for the earliest open deadline --------------------------------
  const maxHistory = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  let reportRequested = state.status === 'ANALYSIS_PENDING';
  const historyFull = (): boolean => workflowInfo().historyLength > maxHistory || workflowInfo().continueAsNewSuggested;
  const openDeadlines = () => state.deadlines.filter(isOpenDeadline);

  while (!isTerminal(state.status)) {
    if (state.status === 'ANALYSIS_PENDING' && !readyToClose(state) && !reportRequested) {
      // Hot and major complaints are archived only with their special report (004 篇3 §5.5.2).
      reportRequested = true;
      await exclusive(async () => {
        await system({ type: 'SPECIAL_REPORT_REQUIRED' });
      });
    }
    if (readyToClose(state)) {
      await exclusive(async () => {
        const figures = await acts.analyseComplaint({ tenantId: input.tenantId, complaintId: input.complaintId });
        await system({ type: 'CLOSE', figures: { ...figures } });
      });
      break;
    }
    const open = openDeadlines();
    const seen = changes;
    const wake = (): boolean => changes !== seen || isTerminal(state.status) || readyToClose(state) || historyFull();
    // The same timer waits for the next time-based severity rule (asked for only when one is pending).
    const severityAt = nextSeverityRuleAt(state, input.policy.severity, input.intake);
    const dues = [...open.map((d) => d.dueAt), ...(severityAt !== null && patched(PATCH_SEVERITY_FOLLOWS_FACTS) ? [severityAt] : [])];
    if (dues.length === 0) {
      await condition(wake);
    } else {
      const next = Math.min(...dues);
      const woke = await condition(wake, Math.max(1, next - Date.now()));
      if (!woke) {
        // An action handled in the same workflow task (a withdrawal) may have ended the complaint: nothing to breach.
        await exclusive(() => system({ type: 'TIMER_FIRED' }, ['COMPLAINT_ENDED']));
      }
    }
    if (historyFull() && !isTerminal(state.status)) {
      // Continue-as-new cancels a timer not yet fired: breach what is already due first.
      await exclusive(() => system({ type: 'TIMER_FIRED' }, ['COMPLAINT_ENDED']));
      await condition(allHandlersFinished);
      if (escalating) await condition(() => escalationsStarting === 0);
      await continueAsNew<typeof complaintWorkflow>({
        ...input, state, appliedActions: applied.entries(),
        ...(escalating ? { raisedEscalations: [...raisedEscalations] } : {}),
      });
    }
  }
  await condition(allHandlersFinished);
  // A merged complaint tells its survivor what came in: the signal is a command of this history, so it
  // is sent once however often the run replays, and the survivor records each merged complaint once.
  const mergedInto = state.status === 'MERGED' ? state.mergedIntoId ?? null : null;
  if (mergedInto !== null && patched(PATCH_MERGE_HAND_OVER)) {
    const merge = mergeRequest as MergeArgs | null;
    try {
      await getExternalWorkflowHandle(complaintWorkflowId(input.tenantId, mergedInto)).signal(mergeReceivedSignal, {
        tenantId: input.tenantId, actorId: merge?.actorId ?? 'system', fromId: input.complaintId, fromReference: state.reference,
        reason: merge?.reason ?? '',
      });
    } catch (err) {
      // The survivor ended meanwhile (closed, withdrawn): nothing more can be recorded on it.
      log.warn('the survivor of a merge could not be told', { mergedInto, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (escalating) {
    // The complaint has ended: its escalations stop (one that already stopped ignores it, or is gone).
    for (const key of raisedEscalations) {
      const cut = key.lastIndexOf('/');
      try {
        await getExternalWorkflowHandle(escalationId(input.tenantId, input.complaintId, key.slice(0, cut), Number(key.slice(cut + 1))))
          .signal(escalationComplaintEndedSignal, { tenantId: input.tenantId });
      } catch {
        // Already finished (acknowledged): nothing to stop.
      }
    }
  }
  return state;
}
