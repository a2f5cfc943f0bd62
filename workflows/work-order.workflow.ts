import type { UpdateDefinition } from '@temporalio/common';
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log,
  proxyActivities, proxyLocalActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
// Relative imports only: path aliases do not resolve inside the workflow bundle.
import { nextWorkOrderDueAt } from '../libs/domain/src/work-order/work-order-deadlines.util';
import { WorkOrderActionType, isWorkOrderFinished, reduceWorkOrder, workOrderActionRefusal } from '../libs/domain/src/work-order/work-order.reducer';
import type {
  WorkOrderCommand, WorkOrderEffect, WorkOrderEvent, WorkOrderReduceResult, WorkOrderRefusal, WorkOrderState,
} from '../libs/domain/src/work-order/work-order.types';
import { DATA_REJECTED, PROJECTION_FAILED, TENANT_MISMATCH } from './shared/complaint.types';
import { createExclusive } from './shared/exclusive';
import { appliedActions } from './shared/applied-actions';
import { complaintWorkflowId } from './shared/ids';
import {
  CancelArgs, CompleteArgs, ContactArgs, ReassignArgs, ReturnVisitArgs, SignArgs, WORK_ORDER_REFUSED, WorkOrderActionBase,
  WorkOrderActionResult, WorkOrderActivities, WorkOrderWorkflowInput, cancelWorkOrderUpdate, completeWorkOrderUpdate, contractorContactUpdate,
  onSiteUpdate, reassignWorkOrderUpdate, returnVisitUpdate, signWorkOrderUpdate, workOrderIssuedUpdate, workOrderReturnVisitSignal,
  workOrderStateQuery,
} from './shared/work-order';

// The read-model write is short and idempotent (seq-numbered events, a row that never goes backwards):
// as a local activity it runs inside the workflow task, like the complaint's writes, saving a round trip
// through the server on every step — and the issue Update answers as soon as the row is there. A database
// that is down is retried for ever; a write that can never succeed (DATA_REJECTED, a programming error)
// fails at once so the workflow can contain it.
const writes = proxyLocalActivities<WorkOrderActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2,
    nonRetryableErrorTypes: [DATA_REJECTED, 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError'],
  },
});
// The next contractor is a read taken rarely (after a miss): a normal activity, retried until the
// database answers, its answer recorded in the history as the decision it is.
const acts = proxyActivities<WorkOrderActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

const DEFAULT_MAX_HISTORY_EVENTS = 1000;

const has = <T extends WorkOrderEffect['type']>(effects: WorkOrderEffect[], type: T): Extract<WorkOrderEffect, { type: T }> | undefined =>
  effects.find((e): e is Extract<WorkOrderEffect, { type: T }> => e.type === type);

/** A refusal as the Update's failure: WORK_ORDER_REFUSED, with the reducer's code in the details. */
const refusedFailure = (r: WorkOrderRefusal): ApplicationFailure =>
  ApplicationFailure.create({ message: r.message, type: WORK_ORDER_REFUSED, nonRetryable: true, details: [{ code: r.code }] });

/**
 * One work order's life (`work-order/<tenant>/<workOrderId>`): issued to a contractor, contact and booked
 * visit, on site, completion with materials and the customer's signature, the return visit — and the one
 * chance (003 一.5): a missed contact or visit sends the job to the next contractor of the trade, or to the
 * dispatcher. A thin shell over the pure reducer (libs/domain/src/work-order/work-order.reducer.ts): Updates
 * become commands (validators refuse another tenant first, then what the state does not allow), one durable
 * timer for the earliest open deadline, every change written to the read model with its new events.
 */
export async function workOrderWorkflow(input: WorkOrderWorkflowInput): Promise<WorkOrderState> {
  const { context, calendar } = input;
  const policy = context.policy;
  const complaintId = context.complaintId;
  // Events applied but not yet written (a system step's write that failed for good stays queued for the next one).
  const pending: WorkOrderEvent[] = [];
  // Bumped on every applied change: the timer loop re-arms on it.
  let changes = 0;
  let finished = false;
  let issueFailure: string | null = null;
  let recorded = input.state !== undefined;

  const reduce = (s: WorkOrderState | null, command: WorkOrderCommand): WorkOrderReduceResult =>
    reduceWorkOrder(s, command, { now: Date.now(), ctx: context, calendar });

  let state: WorkOrderState;
  if (input.state) {
    state = input.state;
  } else {
    const issued = reduce(null, {
      type: 'ISSUE', contractorId: input.contractorId, trade: input.trade, description: input.description, actorId: input.issuedBy,
    });
    if ('refused' in issued) throw ApplicationFailure.nonRetryable(`The work order could not be issued: ${issued.refused.message}`, WORK_ORDER_REFUSED);
    state = issued.state;
    pending.push(...issued.events);
  }

  /** Runs one command through the reducer and keeps its result (state, events queued for the next write). */
  const step = (command: WorkOrderCommand): WorkOrderReduceResult => {
    const r = reduce(state, command);
    if ('refused' in r) return r;
    state = r.state;
    pending.push(...r.events);
    changes += 1;
    if (has(r.effects, 'FINISHED')) finished = true;
    return r;
  };

  const snapshot = (): WorkOrderState => JSON.parse(JSON.stringify(state)) as WorkOrderState;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const events = pending.slice();
    await writes.persistWorkOrder({
      tenantId: input.tenantId, workOrderId: input.workOrderId, complaintId, branchId: input.branchId, companyId: input.companyId,
      workflowId: workflowInfo().workflowId, category: context.complaintCategory ?? null, issuedBy: input.issuedBy ?? null, state: snapshot(), events,
    });
    pending.splice(0, events.length);
  };
  // A local activity's final failure reaches the workflow as the activity's ApplicationFailure itself.
  const isFinalWriteFailure = (err: unknown): err is ActivityFailure | ApplicationFailure =>
    err instanceof ActivityFailure || err instanceof ApplicationFailure;
  const messageOf = (err: unknown): string => (err instanceof ActivityFailure ? err.cause?.message ?? err.message : err instanceof Error ? err.message : String(err));

  // Handlers run interleaved at their awaits; one lock keeps state changes, their writes and their effects in order.
  const exclusive = createExclusive();

  /** The effects the shell carries out after a step was written (under the lock). */
  const carryOut = async (effects: WorkOrderEffect[]): Promise<void> => {
    const find = has(effects, 'FIND_NEXT_CONTRACTOR');
    if (find) {
      // 003 一.5: the next contractor of the trade on the branch's list, none of those already tried.
      const next = await acts.nextContractor({
        tenantId: input.tenantId, branchId: input.branchId, companyId: input.companyId, trade: find.trade, exclude: find.exclude,
      });
      await system({ type: 'NEXT_CONTRACTOR', contractorId: next }, ['NOT_WAITING_FOR_CONTRACTOR']);
    }
    const tell = has(effects, 'TELL_COMPLAINT_UNSATISFIED');
    if (tell) {
      try {
        await getExternalWorkflowHandle(complaintWorkflowId(input.tenantId, complaintId)).signal(workOrderReturnVisitSignal, {
          tenantId: input.tenantId, workOrderId: input.workOrderId, actorId: tell.actorId, method: tell.method, comment: tell.comment,
        });
      } catch (err) {
        // The complaint has ended (closed, withdrawn): there is nothing to reopen there.
        log.warn('the complaint could not be told of an unsatisfied return visit', { complaintId, error: messageOf(err) });
      }
    }
  };

  /**
   * A command of the workflow's own (timer, next contractor): applied, written, its effects carried out.
   * `expected` lists the refusals that mean "nothing to do"; any other one is a defect. A write that fails
   * for good is logged and its events stay queued for the next write (the state is the workflow's).
   */
  const system = async (command: WorkOrderCommand, expected: readonly string[] = []): Promise<void> => {
    const r = step(command);
    if ('refused' in r) {
      if (expected.includes(r.refused.code)) return;
      throw new Error(`${command.type} was refused: ${r.refused.message}`);
    }
    try {
      await flush();
    } catch (err) {
      if (!isFinalWriteFailure(err)) throw err;
      log.error('ALERT: a work-order write failed for good; its events wait for the next write', { workOrderId: input.workOrderId, error: messageOf(err) });
    }
    await carryOut(r.effects);
  };

  // --- the issue: its row first; the issue Update answers once it is written ----------------------
  if (!recorded) {
    void exclusive(async () => {
      try {
        await flush();
        recorded = true;
      } catch (err) {
        if (!isFinalWriteFailure(err)) throw err;
        issueFailure = `The work order could not be saved and was not issued (${messageOf(err)})`;
      }
    });
  }
  setHandler(workOrderIssuedUpdate, async (): Promise<WorkOrderActionResult> => {
    await condition(() => recorded || issueFailure !== null);
    if (!recorded) throw ApplicationFailure.nonRetryable(issueFailure as string, PROJECTION_FAILED);
    return result();
  });
  setHandler(workOrderStateQuery, () => state);

  const result = (): WorkOrderActionResult => ({ workOrderId: input.workOrderId, status: state.status, attempt: state.attempt, seq: state.seq });

  // --- exactly-once actions ---------------------------------------------------------------------
  // Retry keys (Update ids derived from the caller's requestId) of applied actions, oldest first; bounded.
  const applied = appliedActions<WorkOrderActionResult>(input.appliedActions);
  const { retryKey, remember } = applied;

  function onAction<A extends WorkOrderActionBase>(
    def: UpdateDefinition<WorkOrderActionResult, [A]>, type: WorkOrderActionType, command: (args: A) => WorkOrderCommand,
  ): void {
    setHandler(def, (args: A) => exclusive(async (): Promise<WorkOrderActionResult> => {
      // The same retry key again (even after continue-as-new): the first outcome, applied once.
      const key = retryKey();
      const seen = key === null ? undefined : applied.get(key);
      if (seen) return seen;
      const before = state;
      const queued = pending.length;
      const r = step(command(args));
      if ('refused' in r) throw refusedFailure(r.refused);
      // The action's events carry its retry key: a retry after the order (and this workflow) ended is still
      // recognised from the timeline.
      if (key !== null) for (const e of pending.slice(queued)) e.payload = { ...e.payload, retryKey: key };
      try {
        await flush();
      } catch (err) {
        if (!isFinalWriteFailure(err)) throw err;
        // The write can never succeed: the action is refused and leaves no trace in the state.
        state = before;
        finished = isWorkOrderFinished(state);
        pending.splice(queued);
        changes += 1;
        throw ApplicationFailure.nonRetryable(`The ${type} action could not be saved and was not applied (${messageOf(err)})`, PROJECTION_FAILED);
      }
      await carryOut(r.effects);
      const out = result();
      if (key !== null) remember(key, out);
      return out;
    }), {
      // Validators run when an Update arrives, never on replay.
      validator: (args: A) => {
        // First, before any answer: another tenant's action learns nothing about this work order.
        if (args?.tenantId !== input.tenantId) {
          throw ApplicationFailure.nonRetryable(`The ${type} action was sent for another tenant; refused`, TENANT_MISMATCH);
        }
        if (typeof args.actorId !== 'string' || args.actorId === '') throw refusedFailure({ code: 'INVALID_INPUT', message: `The ${type} action names no actor` });
        // A retry of an action already applied is answered with its first outcome, whatever the status is now.
        const key = retryKey();
        if (key !== null && applied.has(key)) return;
        if (!recorded) throw refusedFailure({ code: 'NOT_ISSUED', message: 'the work order is still being issued' });
        const refusal = workOrderActionRefusal(state, type, policy.maxAttempts);
        if (refusal) throw refusedFailure(refusal);
      },
    });
  }

  onAction<ContactArgs>(contractorContactUpdate, 'CONTACT', (a) => ({ type: 'CONTACT', bookedFor: a.bookedFor, actorId: a.actorId }));
  onAction<WorkOrderActionBase>(onSiteUpdate, 'ON_SITE', (a) => ({ type: 'ON_SITE', actorId: a.actorId }));
  onAction<CompleteArgs>(completeWorkOrderUpdate, 'COMPLETE', (a) => ({
    type: 'COMPLETE', actorId: a.actorId, materials: Array.isArray(a.materials) ? a.materials : [], chargeYuan: a.chargeYuan ?? null,
    signature: a.signature ?? null,
  }));
  onAction<SignArgs>(signWorkOrderUpdate, 'SIGN', (a) => ({ type: 'SIGN', actorId: a.actorId, signature: a.signature }));
  onAction<ReassignArgs>(reassignWorkOrderUpdate, 'REASSIGN', (a) => ({ type: 'REASSIGN', actorId: a.actorId, contractorId: a.contractorId, reason: a.reason }));
  onAction<ReturnVisitArgs>(returnVisitUpdate, 'RETURN_VISIT', (a) => ({
    type: 'RETURN_VISIT', actorId: a.actorId, method: a.method, satisfied: a.satisfied === true, comment: a.comment ?? null,
  }));
  onAction<CancelArgs>(cancelWorkOrderUpdate, 'CANCEL', (a) => ({ type: 'CANCEL', actorId: a.actorId, reason: a.reason }));

  await condition(() => recorded || issueFailure !== null);
  if (!recorded) {
    await condition(allHandlersFinished);
    throw ApplicationFailure.nonRetryable(String(issueFailure), PROJECTION_FAILED);
  }

  // --- the clock: one durable timer for the earliest open deadline --------------------------------
  const maxHistory = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  // Read only after the loop woke for a change or its timer (both in the history), never inside the wait's
  // predicate: that is also evaluated on activations a replay does not see (an Update its validator rejected).
  const historyFull = (): boolean => workflowInfo().historyLength > maxHistory || workflowInfo().continueAsNewSuggested;
  finished = finished || isWorkOrderFinished(state);
  while (!finished) {
    const due = nextWorkOrderDueAt(state);
    const seen = changes;
    const wake = (): boolean => changes !== seen || finished;
    if (due === null) {
      await condition(wake);
    } else if (!(await condition(wake, Math.max(1, due - Date.now())))) {
      // An action handled in the same workflow task may have finished the order: nothing to breach then.
      await exclusive(() => system({ type: 'TIMER_FIRED' }, ['WORK_ORDER_ENDED']));
    }
    if (historyFull() && !finished) {
      // Continue-as-new cancels a timer not yet fired: breach what is already due first.
      await exclusive(() => system({ type: 'TIMER_FIRED' }, ['WORK_ORDER_ENDED']));
      await condition(allHandlersFinished);
      if (!finished) {
        await continueAsNew<typeof workOrderWorkflow>({
          ...input, state, appliedActions: applied.entries(),
        });
      }
    }
  }
  await condition(allHandlersFinished);
  return state;
}
