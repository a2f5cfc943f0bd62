import type { UpdateDefinition } from '@temporalio/common';
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, patched, proxyActivities, proxyLocalActivities,
  currentUpdateInfo, setHandler, workflowInfo,
} from '@temporalio/workflow';
// Relative imports only: path aliases do not resolve inside the workflow bundle.
import type { DeadlineKind } from '../libs/domain/src/enums';
import { computeDueAt, tryComputeDueAt } from '../libs/domain/src/deadlines/deadline.util';
import { DEADLINE_PLAN, LifecycleMoment, deadlinesMetBy, deadlinesStartedBy } from '../libs/domain/src/deadlines/deadline-plan.util';
import { ComplaintAction, isTerminal, transitionError } from '../libs/domain/src/lifecycle/lifecycle.util';
import { classifySeverity } from '../libs/domain/src/severity/severity.util';
import type { ComplaintActivities } from './shared/complaint.activities.types';
import {
  ActionBase, ActionResult, CallbackArgs, ComplaintState, ComplaintWorkflowInput, DATA_REJECTED, DeadlineState, DispatchArgs,
  FollowUpArgs, INVALID_TRANSITION, MAX_APPLIED_ACTIONS, PROJECTION_FAILED, RETRY_KEY_UPDATE_PREFIX, REGISTRATION_FAILED, ResolveArgs, SpecialReportArgs, TimelineEventRecord,
  ValidityArgs, WithdrawArgs,
} from './shared/complaint.types';
import {
  acknowledgeUpdate, calendarChangedSignal, callbackUpdate, dispatchUpdate, followUpUpdate, intakeUpdate, resolveUpdate,
  specialReportUpdate, stateQuery, validityUpdate, withdrawUpdate,
} from './shared/updates';

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

const DEFAULT_MAX_HISTORY_EVENTS = 2000;

/** Severity at intake, by the facts recorded and the policy's thresholds. */
function classifyIntake({ intake, policy }: ComplaintWorkflowInput): ReturnType<typeof classifySeverity> {
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

function initialState(input: ComplaintWorkflowInput): ComplaintState {
  const { intake } = input;
  const { severity } = classifyIntake(input);
  return {
    reference: null,
    status: 'RECEIVED',
    round: 1,
    category: intake.category,
    severity,
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
    calendar: input.calendar,
  };
}

const isHotOrMajor = (s: ComplaintState): boolean => s.severity === 'HOT' || s.severity === 'MAJOR';

/**
 * One complaint's whole life: intake → investigate → resolve → callback → analysis.
 * Staff actions arrive as Updates whose validators refuse what the current status does not
 * allow; deadlines are durable timers; every step is written to the read model by activities.
 */
export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintState> {
  const state: ComplaintState = input.state ?? initialState(input);
  const pending: TimelineEventRecord[] = [];
  // Bumped on every change that can move a deadline; the timer loop waits on it.
  let changes = 0;
  // True once the complaint's row and first events are written: intake answers only then.
  let recorded = state.reference !== null;
  // Set when registration failed for good: intake answers with it and the workflow ends failed.
  let registrationFailure: string | null = null;

  // The retry key of the action being applied: its events carry it, so a retry after the complaint
  // has ended (no workflow left to ask) can still be recognised from the timeline.
  let actionKey: string | null = null;
  const emit = (type: string, actor: string | null, data: Record<string, unknown> = {}): void => {
    state.seq += 1;
    pending.push({ seq: state.seq, at: Date.now(), type, actor, data: actionKey === null ? data : { ...data, retryKey: actionKey } });
  };

  // Handlers run interleaved at their awaits; one lock keeps state changes and their writes in order.
  let lock: Promise<void> = Promise.resolve();
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    const previous = lock;
    let release!: () => void;
    lock = new Promise((r) => (release = r));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  };

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const events = pending.splice(0, pending.length);
    await writes.persistComplaint({ tenantId: input.tenantId, complaintId: input.complaintId, state: snapshot(), events });
  };
  const snapshot = (): ComplaintState => JSON.parse(JSON.stringify(state)) as ComplaintState;
  /** Puts the state back as it was (a refused action leaves no trace in it). */
  const restore = (saved: ComplaintState): void => {
    for (const key of Object.keys(state)) delete (state as unknown as Record<string, unknown>)[key];
    Object.assign(state, saved);
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
  const recordFailure = async (step: string, err: ActivityFailure | ApplicationFailure): Promise<void> => {
    const { type, message } = failureOf(err);
    let event: TimelineEventRecord | null = null;
    if (recorded) {
      state.seq += 1;
      event = { seq: state.seq, at: Date.now(), type: 'PROJECTION_FAILED', actor: 'system', data: { step, failureType: type, failure: message } };
    }
    try {
      await writes.recordProjectionFailure({
        tenantId: input.tenantId, complaintId: input.complaintId, reference: state.reference, event, step, failureType: type, failureMessage: message,
      });
    } catch {
      // The activity logs its ALERT before writing; a trace that cannot be written must not wedge the complaint.
    }
  };
  /** flush() for system steps (timers, calendar, analysis): a write that fails for good is recorded, not retried for ever. */
  const commit = async (step: string): Promise<void> => {
    if (!patched(PATCH_PROJECTION_FAILURE)) return flush();
    try {
      await flush();
    } catch (err) {
      if (!isFinalWriteFailure(err)) throw err;
      await recordFailure(step, err);
    }
  };

  // --- deadlines -------------------------------------------------------------------------------
  type Due = { dueAt: number | null; problem: { reason: string; message: string } | null };
  const dueFor = (d: Pick<DeadlineState, 'kind' | 'anchorAt'>): Due => {
    const rule = input.policy.deadlines[d.kind];
    const opts = { customerDeadlineMs: input.intake.customerDeadline ?? undefined };
    if (!patched(PATCH_UNCOMPUTABLE_DEADLINE)) return { dueAt: computeDueAt(rule, d.anchorAt, state.calendar, opts), problem: null };
    const r = tryComputeDueAt(rule, d.anchorAt, state.calendar, opts);
    return r.ok ? { dueAt: r.dueAt, problem: null } : { dueAt: r.fallbackDueAt, problem: { reason: r.reason, message: r.message } };
  };
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

  const startDeadline = (kind: DeadlineKind, anchorAt: number, actor: string | null): void => {
    const rule = input.policy.deadlines[kind];
    if (!rule || rule.enabled === false) return;
    const { dueAt, problem } = dueFor({ kind, anchorAt });
    if (problem) {
      // Staff see it on the timeline; the deadline runs on the fallback (calendar time, capped) instead.
      emit('DEADLINE_UNCOMPUTABLE', 'system', { kind, round: state.round, reason: problem.reason, message: problem.message, fallbackDueAt: iso(dueAt) });
    }
    if (dueAt === null) return;
    // A restart (new round, re-dispatch) replaces the open deadline of the same kind.
    state.deadlines = state.deadlines.filter((d) => !(d.kind === kind && d.metAt === null && d.breachedAt === null));
    state.deadlines.push({ kind, round: state.round, anchorAt, dueAt, metAt: null, breachedAt: null });
    emit('DEADLINE_SET', actor, { kind, dueAt: new Date(dueAt).toISOString(), round: state.round, businessTime: rule.businessTime });
    changes += 1;
  };
  /** Records a deadline's breach: who hears of it, and the follow-up task it calls for. */
  const breach = (d: DeadlineState, now: number): void => {
    d.breachedAt = now;
    const { notify, task } = DEADLINE_PLAN[d.kind].onBreach;
    emit('DEADLINE_BREACHED', 'system', {
      kind: d.kind, round: d.round, dueAt: new Date(d.dueAt).toISOString(), notify,
      ...(notify === 'ASSIGNEE' && state.assigneeId ? { notifyUserId: state.assigneeId } : {}), ...(task ? { task } : {}),
    });
  };
  /** Breaches every open deadline already due (the timer's job; also run before handing over to a new run). */
  const breachOverdue = (now: number): void => {
    for (const d of state.deadlines) if (d.metAt === null && d.breachedAt === null && d.dueAt <= now) breach(d, now);
  };
  const meetDeadline = (kind: DeadlineKind, actor: string | null): void => {
    const now = Date.now();
    for (const d of state.deadlines) {
      if (d.kind === kind && d.metAt === null) {
        // Met after its due time but before the timer was handled (same workflow task): still a breach, met late.
        if (d.breachedAt === null && d.dueAt < now) breach(d, now);
        d.metAt = now;
        emit('DEADLINE_MET', actor, { kind, round: d.round, dueAt: new Date(d.dueAt).toISOString(), late: d.breachedAt !== null });
        changes += 1;
      }
    }
  };
  /** A lifecycle moment: fulfil what it fulfils, then start what it starts (domain DEADLINE_PLAN). */
  const moment = (m: LifecycleMoment, actor: string | null, at = Date.now()): void => {
    for (const kind of deadlinesMetBy(m)) meetDeadline(kind, actor);
    const ctx = { kind: input.intake.kind, severity: state.severity, assigneeIsContractor: state.assigneeIsContractor };
    for (const kind of deadlinesStartedBy(m, ctx)) startDeadline(kind, at, null);
  };
  const openDeadlines = (): DeadlineState[] => state.deadlines.filter((d) => d.metAt === null && d.breachedAt === null);

  // --- actions ---------------------------------------------------------------------------------
  const validate = (action: ComplaintAction) => (): void => {
    if (!recorded) throw ApplicationFailure.nonRetryable('the complaint is still being registered', INVALID_TRANSITION);
    const error = transitionError(action, state.status);
    if (error) throw ApplicationFailure.nonRetryable(error, INVALID_TRANSITION);
  };
  // --- exactly-once actions ---------------------------------------------------------------------
  // Retry keys (Update ids derived from the client's requestId) of applied actions, oldest first.
  const applied = new Map<string, ActionResult>((input.appliedActions ?? []).map((a) => [a.updateId, a.result]));
  const retryKey = (): string | null => {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && id.startsWith(RETRY_KEY_UPDATE_PREFIX) ? id : null;
  };
  const remember = (key: string, result: ActionResult): void => {
    applied.set(key, result);
    // Bounded: a complaint remembers its latest keys only.
    for (const oldest of applied.keys()) {
      if (applied.size <= MAX_APPLIED_ACTIONS) break;
      applied.delete(oldest);
    }
  };

  const act = <A extends ActionBase>(action: ComplaintAction, apply: (args: A) => void) => async (args: A): Promise<ActionResult> =>
    exclusive(async () => {
      // The same retry key again (even after continue-as-new, which Temporal's own de-duplication does not
      // cover): the first outcome, applied once.
      const key = retryKey();
      const seen = key === null ? undefined : applied.get(key);
      if (seen) return seen;
      // Re-checked under the lock: an earlier action may have moved the status since validation.
      validate(action)();
      const before = patched(PATCH_PROJECTION_FAILURE) ? snapshot() : null;
      actionKey = key !== null && patched(PATCH_APPLIED_ACTIONS) ? key : null;
      try {
        apply(args);
      } finally {
        actionKey = null;
      }
      try {
        await flush();
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

  function onAction<A extends ActionBase>(def: UpdateDefinition<ActionResult, [A]>, action: ComplaintAction, apply: (args: A) => void): void {
    setHandler(def, act<A>(action, apply), {
      validator: (_args: A) => {
        // A retry of an action already applied is answered with its first outcome, whatever the status is now.
        const key = retryKey();
        if (key !== null && applied.has(key)) return;
        validate(action)();
      },
    });
  }

  setHandler(intakeUpdate, async () => {
    await condition(() => recorded || registrationFailure !== null);
    if (!recorded) throw ApplicationFailure.nonRetryable(registrationFailure as string, REGISTRATION_FAILED);
    return { complaintId: input.complaintId, reference: state.reference as string };
  });

  setHandler(stateQuery, () => state);

  onAction<DispatchArgs>(dispatchUpdate, 'DISPATCH', (a) => {
    const redispatch = state.assigneeId !== null && state.status !== 'RECEIVED';
    state.assigneeId = a.assigneeId;
    state.assigneeIsContractor = a.assigneeIsContractor ?? false;
    state.status = 'DISPATCHED';
    state.acknowledgedAt = null;
    state.followUpsSinceDispatch = 0;
    emit(redispatch ? 'REDISPATCHED' : 'DISPATCHED', a.actorId, { assigneeId: a.assigneeId, note: a.note });
    moment('DISPATCHED', a.actorId);
    // Validity once decided stays decided across re-dispatch.
    if (state.validity !== 'UNDETERMINED') meetDeadline('VALIDITY', a.actorId);
  });

  onAction<ActionBase>(acknowledgeUpdate, 'ACKNOWLEDGE', (a) => {
    state.status = 'IN_PROGRESS';
    state.acknowledgedAt = Date.now();
    emit('ACKNOWLEDGED', a.actorId);
    moment('ACKNOWLEDGED', a.actorId);
  });

  onAction<FollowUpArgs>(followUpUpdate, 'FOLLOW_UP', (a) => {
    state.followUpsSinceDispatch += 1;
    emit('FOLLOW_UP', a.actorId, { note: a.note, customerInformed: a.customerInformed });
    moment('FOLLOW_UP', a.actorId);
    if (state.followUpsSinceDispatch >= 2) moment('SECOND_FOLLOW_UP', a.actorId);
    // 件件有回音: telling the customer the progress fulfils the reply obligations.
    if (a.customerInformed) moment('CUSTOMER_INFORMED', a.actorId);
  });

  onAction<ValidityArgs>(validityUpdate, 'DETERMINE_VALIDITY', (a) => {
    state.validity = a.validity;
    state.responsibility = a.responsibility;
    emit('VALIDITY_DETERMINED', a.actorId, { validity: a.validity, responsibility: a.responsibility, reason: a.reason });
    moment('VALIDITY_DETERMINED', a.actorId);
  });

  onAction<ResolveArgs>(resolveUpdate, 'RESOLVE', (a) => {
    const now = Date.now();
    state.status = 'RESOLVED';
    state.resolvedAt = now;
    emit('RESOLVED', a.actorId, { resolution: a.resolution, customerSigned: a.customerSigned });
    // The customer hears the result, which answers the reply obligations too.
    for (const kind of deadlinesMetBy('RESOLVED')) meetDeadline(kind, a.actorId);
    const callbackRequired = input.policy.callback.requiredFor === 'ALL' || state.validity !== 'INVALID';
    if (callbackRequired) {
      state.status = 'CALLBACK_PENDING';
      emit('CALLBACK_PENDING', null);
      moment('RESOLVED', a.actorId, now);
    } else {
      enterAnalysis('callback not required for an invalid complaint under this policy');
    }
  });

  onAction<CallbackArgs>(callbackUpdate, 'CALLBACK', (a) => {
    state.satisfied = a.satisfied;
    state.lastCallbackMethod = a.method;
    emit('CALLBACK', a.actorId, { method: a.method, satisfied: a.satisfied, comment: a.comment });
    moment('CALLBACK', a.actorId);
    if (a.satisfied) {
      enterAnalysis(null);
    } else {
      // Unsatisfied: a new round, back to the same assignee, who must acknowledge it again.
      state.round += 1;
      state.status = 'DISPATCHED';
      state.resolvedAt = null;
      state.acknowledgedAt = null;
      state.followUpsSinceDispatch = 0;
      emit('REOPENED', a.actorId, { round: state.round, comment: a.comment });
      // A new round: the same assignee must acknowledge and resolve again, on fresh clocks.
      moment('DISPATCHED', a.actorId);
      startDeadline('RESOLUTION', Date.now(), null);
    }
  });

  onAction<WithdrawArgs>(withdrawUpdate, 'WITHDRAW', (a) => {
    state.status = 'WITHDRAWN';
    state.closedAt = Date.now();
    emit('WITHDRAWN', a.actorId, { reason: a.reason });
    changes += 1;
  });

  onAction<SpecialReportArgs>(specialReportUpdate, 'SPECIAL_REPORT', (a) => {
    if (!isHotOrMajor(state)) throw ApplicationFailure.nonRetryable(`a special report is for hot or major complaints; this one is ${state.severity}`, INVALID_TRANSITION);
    if (state.specialReport) throw ApplicationFailure.nonRetryable('the special report has already been submitted', INVALID_TRANSITION);
    state.specialReport = {
      whatHappened: a.whatHappened, rootCause: a.rootCause, preventiveMeasures: a.preventiveMeasures, submittedAt: Date.now(), submittedBy: a.actorId,
    };
    emit('SPECIAL_REPORT', a.actorId, { rootCause: a.rootCause });
    moment('SPECIAL_REPORT', a.actorId);
  });

  // A calendar declared late (a new holiday, changed hours) moves the deadlines not yet fired.
  setHandler(calendarChangedSignal, async ({ calendar, changedBy }) => {
    await exclusive(async () => {
      state.calendar = calendar;
      const moved: Record<string, unknown>[] = [];
      const uncomputable: Record<string, unknown>[] = [];
      for (const d of openDeadlines()) {
        const { dueAt, problem } = dueFor(d);
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
      emit('CALENDAR_CHANGED', changedBy, { rescheduled: moved });
      for (const u of uncomputable) emit('DEADLINE_UNCOMPUTABLE', 'system', u);
      changes += 1;
      if (recorded) await commit('CALENDAR_CHANGED');
    });
  });

  function enterAnalysis(note: string | null): void {
    state.status = 'ANALYSIS_PENDING';
    emit('ANALYSIS_PENDING', null, note ? { note } : {});
    changes += 1;
  }

  // --- intake ----------------------------------------------------------------------------------
  if (state.reference === null) {
    await exclusive(async () => {
      const { intake } = input;
      emit('RECEIVED', intake.firstContactOwnerId, { channel: intake.channel });
      const { severity, reasons } = classifyIntake(input);
      emit('CLASSIFIED', 'system', { kind: intake.kind, category: intake.category, severity, reasons, emergency: intake.emergency });
      moment('RECEIVED', 'system', intake.receivedAt);
      // One write: the row (with its reference) and the intake events and clocks.
      const events = pending.splice(0, pending.length);
      const contained = patched(PATCH_REGISTRATION_FAILURE);
      try {
        const { reference } = await writes.registerComplaint({
          tenantId: input.tenantId, complaintId: input.complaintId, intake, policyVersion: input.policyVersion, severity: state.severity,
          state: snapshot(), events,
        });
        state.reference = reference;
        recorded = true;
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

  // --- the clock: one durable timer for the earliest open deadline --------------------------------
  const maxHistory = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const readyToClose = (): boolean => state.status === 'ANALYSIS_PENDING' && (!isHotOrMajor(state) || state.specialReport !== null);
  let reportRequested = state.status === 'ANALYSIS_PENDING';
  const historyFull = (): boolean => workflowInfo().historyLength > maxHistory || workflowInfo().continueAsNewSuggested;

  while (!isTerminal(state.status)) {
    if (state.status === 'ANALYSIS_PENDING' && !readyToClose() && !reportRequested) {
      // Hot and major complaints are archived only with their special report (004 篇3 §5.5.2).
      reportRequested = true;
      await exclusive(async () => {
        emit('SPECIAL_REPORT_REQUIRED', 'system', { severity: state.severity });
        await commit('SPECIAL_REPORT_REQUIRED');
      });
    }
    if (readyToClose()) {
      await exclusive(async () => {
        const figures = await acts.analyseComplaint({ tenantId: input.tenantId, complaintId: input.complaintId });
        state.status = 'CLOSED';
        state.closedAt = Date.now();
        emit('ANALYSED', 'system', { ...figures });
        moment('CLOSED', 'system');
        emit('CLOSED', 'system');
        await commit('CLOSE');
      });
      break;
    }
    const open = openDeadlines();
    const seen = changes;
    const wake = (): boolean => changes !== seen || isTerminal(state.status) || readyToClose() || historyFull();
    if (open.length === 0) {
      await condition(wake);
    } else {
      const next = Math.min(...open.map((d) => d.dueAt));
      const woke = await condition(wake, Math.max(1, next - Date.now()));
      if (!woke) {
        await exclusive(async () => {
          // An action handled in the same workflow task (a withdrawal) may have ended the complaint.
          if (isTerminal(state.status)) return;
          breachOverdue(Date.now());
          await commit('DEADLINE_TIMER');
        });
      }
    }
    if (historyFull() && !isTerminal(state.status)) {
      // Continue-as-new cancels a timer not yet fired: breach what is already due first.
      await exclusive(async () => {
        if (isTerminal(state.status)) return;
        breachOverdue(Date.now());
        await commit('DEADLINE_TIMER');
      });
      await condition(allHandlersFinished);
      await continueAsNew<typeof complaintWorkflow>({
        ...input, state, appliedActions: [...applied].map(([updateId, result]) => ({ updateId, result })),
      });
    }
  }
  await condition(allHandlersFinished);
  return state;
}
