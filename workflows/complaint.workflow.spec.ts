/**
 * The complaint workflow on a REAL Temporal dev server (started by the jest global setup), with a
 * real worker running the pre-bundled workflow code on its own task queue per test, and the REAL
 * activities writing to this file's own PostgreSQL database: every assertion about the read model
 * reads the rows and timeline events back with SQL (see test-support/harness.ts). Deadlines use
 * second-scale calendar durations, so timers really fire; nothing is time-skipped.
 */
import { WorkflowHandle, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DeadlineKind } from '../libs/domain/src/enums';
import type { complaintWorkflow } from './complaint.workflow';
import type {
  ActionResult, CallbackArgs, ComplaintState, ComplaintWorkflowInput, DeadlineState, TimelineEventRecord,
} from './shared/complaint.types';
import { INVALID_TRANSITION } from './shared/complaint.types';
import {
  acknowledgeUpdate, callbackUpdate, dispatchUpdate, followUpUpdate, resolveUpdate, stateQuery, validityUpdate, withdrawUpdate,
} from './shared/updates';
import {
  complaintInput, eventually, expectedRow, InputOptions, ORG, sleep, USERS, workflowSuite,
} from './test-support/harness';

const DISPATCHER = USERS.dispatcher;
const HANDLER = USERS.handler;
const CALLBACK_AGENT = USERS.callbackAgent;
/** Two seconds of wall-clock time: the deadlines these tests watch fall due for real. */
const SHORT = { after: 'PT2S', businessTime: false } as const;

const suite = workflowSuite('complaint_wf');

// --- helpers -------------------------------------------------------------------------------------

type Handle = WorkflowHandle<typeof complaintWorkflow>;

/** The staff actions, sent exactly as the gateway sends them (by workflow id, no run id). */
function staff(handle: Handle) {
  return {
    dispatch: (assigneeId: string = HANDLER): Promise<ActionResult> =>
      handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: DISPATCHER, assigneeId, note: null }] }),
    acknowledge: (): Promise<ActionResult> => handle.executeUpdate(acknowledgeUpdate, { args: [{ tenantId: ORG.tenantId, actorId: HANDLER }] }),
    followUp: (customerInformed: boolean, note = 'called the contractor'): Promise<ActionResult> =>
      handle.executeUpdate(followUpUpdate, { args: [{ tenantId: ORG.tenantId, actorId: HANDLER, note, customerInformed }] }),
    validity: (): Promise<ActionResult> =>
      handle.executeUpdate(validityUpdate, { args: [{ tenantId: ORG.tenantId, actorId: HANDLER, validity: 'VALID', responsibility: 'RESPONSIBLE', reason: 'our lift' }] }),
    resolve: (): Promise<ActionResult> =>
      handle.executeUpdate(resolveUpdate, { args: [{ tenantId: ORG.tenantId, actorId: HANDLER, resolution: 'lift repaired', customerSigned: true }] }),
    callback: (satisfied: boolean, method: CallbackArgs['method'] = 'PHONE'): Promise<ActionResult> =>
      handle.executeUpdate(callbackUpdate, { args: [{ tenantId: ORG.tenantId, actorId: CALLBACK_AGENT, method, satisfied, comment: satisfied ? 'thanks' : 'still broken' }] }),
    withdraw: (): Promise<ActionResult> => handle.executeUpdate(withdrawUpdate, { args: [{ tenantId: ORG.tenantId, actorId: HANDLER, reason: 'customer withdrew' }] }),
  };
}

async function setUp(opts: InputOptions = {}): Promise<{ input: ComplaintWorkflowInput; handle: Handle; reference: string; runId: string; act: ReturnType<typeof staff> }> {
  const input = complaintInput(opts);
  const { reference, handle } = await suite.h.intake(input);
  const { runId } = await suite.h.runs(input);
  return { input, handle, reference, runId, act: staff(handle) };
}

function deadline<D extends Pick<DeadlineState, 'kind' | 'round'>>(s: { deadlines: D[] }, kind: DeadlineKind, round = 1): D | undefined {
  return s.deadlines.find((d) => d.kind === kind && d.round === round);
}

/** The timeline as PostgreSQL holds it. */
const timeline = (input: ComplaintWorkflowInput): Promise<TimelineEventRecord[]> => suite.h.timeline(input.complaintId);
const types = async (input: ComplaintWorkflowInput): Promise<string[]> => (await timeline(input)).map((e) => e.type);
const breaches = async (input: ComplaintWorkflowInput, kind?: DeadlineKind): Promise<TimelineEventRecord[]> =>
  (await timeline(input)).filter((e) => e.type === 'DEADLINE_BREACHED' && (kind === undefined || e.data.kind === kind));
/** The complaint row as PostgreSQL holds it. */
const row = async (input: ComplaintWorkflowInput) => {
  const r = await suite.h.row(input.complaintId);
  if (!r) throw new Error(`no row for complaint ${input.complaintId}`);
  return r;
};

/** The read model's timeline is exactly 1..state.seq: no gap, no duplicate, no seq reused for another event. */
async function expectGaplessTimeline(input: ComplaintWorkflowInput, state: ComplaintState): Promise<void> {
  const seqs = (await timeline(input)).map((e) => e.seq);
  expect(seqs).toEqual(Array.from({ length: state.seq }, (_, i) => i + 1));
  expect(await suite.h.conflicts(input.complaintId)).toEqual([]);
  // Every write carries a projection consistent with its events, and writes arrive in seq order.
  let last = 0;
  let previous = '';
  for (const call of suite.h.recorder.persistCallsFor(input.complaintId)) {
    const json = JSON.stringify(call);
    if (json === previous) continue; // an activity retry repeats the same write
    previous = json;
    const callSeqs = call.events.map((e) => e.seq);
    expect(callSeqs.length).toBeGreaterThan(0);
    expect(callSeqs).toEqual(Array.from({ length: callSeqs.length }, (_, i) => last + 1 + i));
    expect(call.state.seq).toBe(callSeqs[callSeqs.length - 1]);
    last = call.state.seq;
  }
}

async function expectInvalidTransition(p: Promise<unknown>, fragment: string): Promise<void> {
  const err = await p.then(
    () => {
      throw new Error(`expected the update to be rejected (${fragment})`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(INVALID_TRANSITION);
  expect((cause as ApplicationFailure).message).toContain(fragment);
}

/** Run ids of the workflow's chain of runs, first to current, following continue-as-new. */
async function runChain(handle: Handle, firstRunId: string): Promise<{ runId: string; status: string }[]> {
  const chain: { runId: string; status: string }[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const run: WorkflowHandle = suite.h.client.workflow.getHandle(handle.workflowId, runId);
    const d = await run.describe();
    chain.push({ runId, status: d.status.name });
    if (d.status.name !== 'CONTINUED_AS_NEW') break;
    const events = (await run.fetchHistory()).events ?? [];
    const last = events[events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    if (!runId) throw new Error(`run ${chain[chain.length - 1].runId} continued as new without a next run id`);
  }
  return chain;
}

// --- tests ---------------------------------------------------------------------------------------

describe('complaint workflow (real Temporal server)', () => {
  test('intake by update-with-start answers with the reference; repeating it joins the same workflow', async () => {
    const { input, handle, reference, runId } = await setUp();
    expect(reference).toMatch(/^GZ01-\d{4}-\d{6}$/);
    const afterFirst = await handle.query(stateQuery);

    // The same submission again (a client retry), and two more racing each other.
    const again = await suite.h.intake(input);
    const racing = await Promise.all([suite.h.intake(input), suite.h.intake(input)]);
    for (const r of [again, ...racing]) {
      expect(r.reference).toBe(reference);
      expect(r.complaintId).toBe(input.complaintId);
    }

    // One workflow, one registration, one RECEIVED on the timeline.
    expect(suite.h.recorder.registerCalls).toHaveLength(1);
    expect(suite.h.recorder.registerCalls[0]).toMatchObject({ tenantId: input.tenantId, complaintId: input.complaintId, severity: 'GENERAL' });
    // Still the one run that the first intake started: no second run in the chain.
    expect(await suite.h.runs(input)).toEqual({ runId, firstRunId: runId, status: 'RUNNING' });
    const t = (await timeline(input));
    expect(t.slice(0, 2).map((e) => e.type)).toEqual(['RECEIVED', 'CLASSIFIED']);
    expect(t[0]).toMatchObject({ seq: 1, actor: input.intake.firstContactOwnerId, data: { channel: 'PHONE' } });
    expect((await row(input)).reference).toBe(reference);
    expect(await suite.h.db.query(`SELECT count(*)::int AS n FROM complaints WHERE idempotency_key = $1`, [input.intake.idempotencyKey])).toEqual([{ n: 1 }]);
    expect(t.filter((e) => e.type === 'RECEIVED')).toHaveLength(1);
    expect(t.find((e) => e.type === 'DEADLINE_SET' && e.data.kind === 'CUSTOMER_REPLY')).toBeDefined();

    // The repeats changed nothing.
    const state = await handle.query(stateQuery);
    expect(state).toEqual(afterFirst);
    expect(state).toMatchObject({ reference, status: 'RECEIVED', round: 1, seq: t.length });
    expect(await row(input)).toEqual(expectedRow(state));
    await expectGaplessTimeline(input, state);
  });

  test('CUSTOMER_REPLY not met: breached when due, and the breach reaches the read model', async () => {
    const { input, handle, act } = await setUp({ deadlines: { CUSTOMER_REPLY: SHORT } });
    const dueAt = input.intake.receivedAt + 2_000;
    expect(deadline(await handle.query(stateQuery), 'CUSTOMER_REPLY')).toMatchObject({ round: 1, dueAt, metAt: null, breachedAt: null });

    // Work goes on, but nobody tells the customer anything.
    await act.dispatch();
    await act.followUp(false);
    expect(deadline(await handle.query(stateQuery), 'CUSTOMER_REPLY')?.breachedAt).toBeNull();

    const breached = await eventually(async () => {
      const d = deadline(await handle.query(stateQuery), 'CUSTOMER_REPLY');
      return d?.breachedAt != null ? d : undefined;
    }, 8_000);
    expect(breached.metAt).toBeNull();
    expect(breached.breachedAt).toBeGreaterThanOrEqual(dueAt);
    expect(breached.breachedAt! - dueAt).toBeLessThan(2_000);

    const events = await eventually(async () => {
      const b = await breaches(input);
      return b.length ? b : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'DEADLINE_BREACHED', actor: 'system',
      data: { kind: 'CUSTOMER_REPLY', round: 1, dueAt: new Date(dueAt).toISOString(), notify: expect.any(String) },
    });
    expect(deadline(await row(input), 'CUSTOMER_REPLY')?.breachedAt).toBe(breached.breachedAt);
    expect((await row(input)).overdue).toBe(true);
    // Still a live complaint: a breach escalates, it does not end anything.
    expect((await suite.h.runs(input)).status).toBe('RUNNING');
    await expectGaplessTimeline(input, await handle.query(stateQuery));
  });

  test('CUSTOMER_REPLY met by informing the customer: metAt set and never breached, even past the due time', async () => {
    const { input, handle, act } = await setUp({ deadlines: { CUSTOMER_REPLY: SHORT } });
    const dueAt = input.intake.receivedAt + 2_000;
    await act.dispatch();
    const informed = await act.followUp(true, 'told Ms Zhang the part arrives tomorrow');

    const s = await handle.query(stateQuery);
    const d = deadline(s, 'CUSTOMER_REPLY')!;
    expect(d.metAt).not.toBeNull();
    expect(d.metAt!).toBeLessThan(dueAt);
    const met = (await timeline(input)).filter((e) => e.type === 'DEADLINE_MET' && e.data.kind === 'CUSTOMER_REPLY');
    expect(met).toHaveLength(1);
    expect(met[0]).toMatchObject({ actor: HANDLER, data: { round: 1, late: false } });
    expect(met[0].seq).toBeLessThanOrEqual(informed.seq);

    await sleep(Math.max(0, dueAt + 1_200 - Date.now()));
    const later = await handle.query(stateQuery);
    expect(deadline(later, 'CUSTOMER_REPLY')).toEqual(d);
    expect(later.seq).toBe(s.seq);
    expect((await breaches(input))).toEqual([]);
  });

  test('CALLBACK deadline starts at resolve, and the callback meets it', async () => {
    const { input, handle, act } = await setUp({ deadlines: { CALLBACK: SHORT } });
    await act.dispatch();
    await act.acknowledge();
    await sleep(300); // so that an anchor at intake or dispatch could not pass for one at resolve
    expect(deadline(await handle.query(stateQuery), 'CALLBACK')).toBeUndefined();
    expect((await timeline(input)).some((e) => e.data.kind === 'CALLBACK')).toBe(false);

    const resolved = await act.resolve();
    expect(resolved.status).toBe('CALLBACK_PENDING');
    const s = await handle.query(stateQuery);
    expect(s.resolvedAt).not.toBeNull();
    const d = deadline(s, 'CALLBACK')!;
    expect(d).toMatchObject({ round: 1, dueAt: s.resolvedAt! + 2_000, metAt: null, breachedAt: null });
    const set = (await timeline(input)).filter((e) => e.type === 'DEADLINE_SET' && e.data.kind === 'CALLBACK');
    expect(set).toHaveLength(1);
    expect(set[0].data).toMatchObject({ dueAt: new Date(d.dueAt).toISOString(), round: 1 });
    expect(set[0].seq).toBeGreaterThan((await timeline(input)).find((e) => e.type === 'RESOLVED')!.seq);

    // An unsatisfied callback still fulfils the callback obligation (and keeps the workflow alive).
    const cb = await act.callback(false);
    expect(cb.status).toBe('DISPATCHED');
    const met = deadline(await handle.query(stateQuery), 'CALLBACK')!;
    expect(met.metAt).not.toBeNull();
    expect(met.metAt!).toBeLessThan(d.dueAt);
    expect((await timeline(input)).find((e) => e.type === 'DEADLINE_MET' && e.data.kind === 'CALLBACK')).toMatchObject({ actor: CALLBACK_AGENT, data: { late: false } });

    await sleep(Math.max(0, d.dueAt + 1_200 - Date.now()));
    expect(deadline(await handle.query(stateQuery), 'CALLBACK')).toEqual(met);
    expect((await breaches(input))).toEqual([]);
  });

  test('CALLBACK not made: breached two seconds after resolve; a late callback is recorded as late', async () => {
    const { input, handle, act } = await setUp({ deadlines: { CALLBACK: SHORT } });
    await act.dispatch();
    await act.acknowledge();
    await act.resolve();
    const resolvedAt = (await handle.query(stateQuery)).resolvedAt!;

    const d = await eventually(async () => {
      const x = deadline(await handle.query(stateQuery), 'CALLBACK');
      return x?.breachedAt != null ? x : undefined;
    }, 8_000);
    expect(d.breachedAt! - resolvedAt).toBeGreaterThanOrEqual(2_000);
    expect(d.breachedAt! - resolvedAt).toBeLessThan(4_000);
    expect((await breaches(input)).map((e) => e.data.kind)).toEqual(['CALLBACK']);

    await act.callback(true);
    const closed = await handle.result();
    expect(closed.status).toBe('CLOSED');
    expect(deadline(closed, 'CALLBACK')).toMatchObject({ breachedAt: d.breachedAt, metAt: expect.any(Number) });
    expect((await timeline(input)).find((e) => e.type === 'DEADLINE_MET' && e.data.kind === 'CALLBACK')?.data.late).toBe(true);
  });

  test('validators refuse what the status does not allow, and leave no trace', async () => {
    const { input, handle, act } = await setUp();
    const before = await handle.query(stateQuery);
    const writes = suite.h.recorder.persistCalls.length;

    await expectInvalidTransition(act.acknowledge(), 'ACKNOWLEDGE is not allowed while the complaint is RECEIVED');
    await expectInvalidTransition(act.resolve(), 'RESOLVE is not allowed while the complaint is RECEIVED');
    await expectInvalidTransition(act.callback(true), 'CALLBACK is not allowed while the complaint is RECEIVED');
    await expectInvalidTransition(act.followUp(true), 'FOLLOW_UP is not allowed while the complaint is RECEIVED');

    expect(await handle.query(stateQuery)).toEqual(before);
    expect(suite.h.recorder.persistCalls.length).toBe(writes);

    // Allowed actions still work afterwards; refusals follow the status.
    await act.dispatch();
    const ack = await act.acknowledge();
    expect(ack).toEqual({ complaintId: input.complaintId, status: 'IN_PROGRESS', seq: ack.seq });
    const mid = await handle.query(stateQuery);
    const midWrites = suite.h.recorder.persistCalls.length;
    await expectInvalidTransition(act.acknowledge(), 'ACKNOWLEDGE is not allowed while the complaint is IN_PROGRESS');
    await expectInvalidTransition(act.callback(false), 'CALLBACK is not allowed while the complaint is IN_PROGRESS');
    expect(await handle.query(stateQuery)).toEqual(mid);
    expect(suite.h.recorder.persistCalls.length).toBe(midWrites);
    expect(mid.seq).toBe(ack.seq);
    await expectGaplessTimeline(input, mid);
  });

  test('unsatisfied callback reopens in round 2; satisfied callback goes to analysis and closes the workflow', async () => {
    const { input, handle, act } = await setUp();
    await act.dispatch(USERS.handlerA);
    await act.acknowledge();
    await act.resolve();
    const reopened = await act.callback(false);

    expect(reopened.status).toBe('DISPATCHED');
    const s = await handle.query(stateQuery);
    expect(s).toMatchObject({ status: 'DISPATCHED', round: 2, assigneeId: USERS.handlerA, resolvedAt: null, acknowledgedAt: null, satisfied: false });
    expect(deadline(s, 'ACKNOWLEDGE', 2)).toMatchObject({ metAt: null, breachedAt: null });
    const reopenEvent = (await timeline(input)).filter((e) => e.type === 'REOPENED');
    expect(reopenEvent).toHaveLength(1);
    expect(reopenEvent[0]).toMatchObject({ actor: CALLBACK_AGENT, data: { round: 2, comment: 'still broken' } });
    expect(await row(input)).toMatchObject({ status: 'DISPATCHED', round: 2, assigneeId: USERS.handlerA });

    // Round 2 must go through every stage again.
    await expectInvalidTransition(act.resolve(), 'RESOLVE is not allowed while the complaint is DISPATCHED');
    await act.acknowledge();
    await act.resolve();
    const satisfied = await act.callback(true, 'VISIT');
    expect(satisfied.status).toBe('ANALYSIS_PENDING');

    const final = await handle.result();
    expect(final).toMatchObject({ status: 'CLOSED', round: 2, satisfied: true, lastCallbackMethod: 'VISIT', closedAt: expect.any(Number) });
    expect((await suite.h.runs(input)).status).toBe('COMPLETED');
    expect(suite.h.recorder.analyseCalls).toEqual([{ tenantId: input.tenantId, complaintId: input.complaintId }]);
    // The read model saw ANALYSIS_PENDING, then the analysis and the close, in that order.
    const statuses = suite.h.recorder.persistCallsFor(input.complaintId).map((p) => p.state.status);
    expect(statuses.slice(-2)).toEqual(['ANALYSIS_PENDING', 'CLOSED']);
    const finalTimeline = await timeline(input);
    const seqOf = (type: string): number => finalTimeline.filter((e) => e.type === type).at(-1)?.seq ?? -1;
    expect(seqOf('CALLBACK')).toBeGreaterThan(0);
    expect(seqOf('CALLBACK')).toBeLessThan(seqOf('ANALYSIS_PENDING'));
    expect(seqOf('ANALYSIS_PENDING')).toBeLessThan(seqOf('ANALYSED'));
    expect(seqOf('ANALYSED')).toBeLessThan(seqOf('CLOSED'));
    expect((await timeline(input)).find((e) => e.type === 'ANALYSED')?.data).toMatchObject({ rounds: 2, reopenCount: 1 });
    expect(await row(input)).toEqual(expectedRow(final));
    await expectGaplessTimeline(input, final);
    // A closed complaint takes no more actions.
    await expect(act.withdraw()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  test('continue-as-new keeps state, deadlines and the timeline; updates keep working by workflow id', async () => {
    const { input, handle, runId, reference, act } = await setUp({ maxHistoryEvents: 40 });
    await act.dispatch();
    await act.acknowledge();
    await act.followUp(true, 'warm-up 1'); // the first follow-ups also meet deadlines (follow-up, reply)
    await act.followUp(false, 'warm-up 2');
    const before = await handle.query(stateQuery);
    expect(before.deadlines.some((d) => d.metAt !== null)).toBe(true);
    expect(before.deadlines.some((d) => d.metAt === null)).toBe(true);

    let seq = before.seq;
    for (let i = 1; i <= 30; i++) {
      const r = await act.followUp(false, `follow-up ${i}`);
      expect(r).toEqual({ complaintId: input.complaintId, status: 'IN_PROGRESS', seq: expect.any(Number) });
      expect(r.seq).toBeGreaterThan(seq);
      seq = r.seq;
    }
    // A burst of concurrent actions across a continue-as-new boundary: none may be lost.
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => act.followUp(false, `burst ${i}`)));
    const burstSeqs = burst.map((r) => r.seq);
    expect(new Set(burstSeqs).size).toBe(10);
    expect(Math.min(...burstSeqs)).toBeGreaterThan(seq);
    // One more, so that the latest run has started. (The server holds back the first workflow task
    // of a run that follows rapid continue-as-new for a few seconds; updates get through at once,
    // queries and update-with-start wait.)
    const last = await act.followUp(false, 'after the burst');
    expect(last.seq).toBe(Math.max(...burstSeqs) + 1);

    const chain = await runChain(handle, runId);
    expect(chain.length).toBeGreaterThanOrEqual(3);
    expect(chain[0]).toEqual({ runId, status: 'CONTINUED_AS_NEW' });
    expect(chain.at(-1)?.status).toBe('RUNNING');
    expect(await suite.h.runs(input)).toEqual({ runId: chain.at(-1)?.runId, firstRunId: runId, status: 'RUNNING' });
    // Every run did part of the writing, and the read model cannot tell the runs apart.
    const writers = new Set(suite.h.recorder.persistCallsFor(input.complaintId).map((c) => c.runId));
    expect(writers.size).toBeGreaterThanOrEqual(3);
    for (const w of writers) expect(chain.map((r) => r.runId)).toContain(w);

    // Nothing but the seq (and the follow-up count) moved: the state crossed every run intact.
    const after = await handle.query(stateQuery);
    expect({ ...after, seq: 0, followUpsSinceDispatch: 0 }).toEqual({ ...before, seq: 0, followUpsSinceDispatch: 0 });
    expect(after.seq).toBe(last.seq);
    const followUps = (await timeline(input)).filter((e) => e.type === 'FOLLOW_UP');
    expect(followUps).toHaveLength(43);
    expect(new Set(followUps.map((e) => e.data.note)).size).toBe(43);
    await expectGaplessTimeline(input, after);
    expect(await row(input)).toEqual(expectedRow(after));

    // Intake again after continue-as-new joins the current run; the complaint is not registered again.
    expect((await suite.h.intake(input)).reference).toBe(reference);
    expect(suite.h.recorder.registerCalls).toHaveLength(1);

    // The lifecycle goes on in the latest run.
    await expectInvalidTransition(act.callback(true), 'CALLBACK is not allowed while the complaint is IN_PROGRESS');
    await act.resolve();
    await act.callback(true);
    const final = await handle.result();
    expect(final).toMatchObject({ status: 'CLOSED', round: 1, reference });
    expect((await breaches(input))).toEqual([]);
    await expectGaplessTimeline(input, final);
  });

  test('an action applied under a retry key is applied once, even when the retry arrives after continue-as-new', async () => {
    const { input, handle, runId, act } = await setUp({ maxHistoryEvents: 40 });
    await act.dispatch();
    await act.acknowledge();
    // The gateway's Update id for a client's requestId (RETRY_KEY_UPDATE_PREFIX + a name-based UUID).
    const keyed = (updateId: string, note: string): Promise<ActionResult> =>
      handle.executeUpdate(followUpUpdate, { args: [{ tenantId: ORG.tenantId, actorId: HANDLER, note, customerInformed: false }], updateId });
    const first = await keyed('action-retry-across-runs', 'called the owner');
    // Fill the run until it continues as new.
    for (let i = 1; i <= 30; i++) await act.followUp(false, `filler ${i}`);
    const chain = await runChain(handle, runId);
    expect(chain.length).toBeGreaterThanOrEqual(2);
    // The retry reaches a new run (Temporal's own de-duplication does not span runs): the first outcome, nothing applied.
    const again = await keyed('action-retry-across-runs', 'called the owner (retry)');
    expect(again).toEqual(first);
    const notes = (await timeline(input)).filter((e) => e.type === 'FOLLOW_UP').map((e) => e.data.note);
    expect(notes.filter((n) => String(n).startsWith('called the owner'))).toEqual(['called the owner']);
    // The event carries the key, so the gateway can recognise a retry after the complaint has ended.
    const keyedEvent = (await timeline(input)).find((e) => e.data.note === 'called the owner');
    expect(keyedEvent?.data.retryKey).toBe('action-retry-across-runs');
    // A one-off id (no client key) is a new action every time.
    await handle.executeUpdate(followUpUpdate, { args: [{ tenantId: ORG.tenantId, actorId: HANDLER, note: 'one-off', customerInformed: false }], updateId: 'one-off-1' });
    const oneOffs = (await timeline(input)).filter((e) => e.data.note === 'one-off');
    expect(oneOffs).toHaveLength(1);
    expect(oneOffs[0].data.retryKey).toBeUndefined();
  });

  test('a deadline falling due while the workflow keeps continuing-as-new is breached on time, once', async () => {
    const { input, handle, runId, act } = await setUp({ maxHistoryEvents: 40, deadlines: { CUSTOMER_REPLY: SHORT } });
    const dueAt = input.intake.receivedAt + 2_000;
    await act.dispatch();
    await act.acknowledge();
    // A busy complaint: a new run every few hundred milliseconds, until well past the due time.
    let i = 0;
    while (Date.now() < dueAt + 1_500) await act.followUp(false, `busy ${++i}`);
    for (let j = 0; j < 10; j++) await act.followUp(false, `more ${j}`);
    expect((await runChain(handle, runId)).length).toBeGreaterThanOrEqual(4);

    // What the read model shows (a query could wait for the server's continue-as-new backoff).
    const stored = await row(input);
    const d = deadline(stored, 'CUSTOMER_REPLY')!;
    expect(d.dueAt).toBe(dueAt);
    expect(d.breachedAt).not.toBeNull();
    expect(d.breachedAt! - dueAt).toBeLessThan(1_500);
    // One breach, written by a later run: each run re-arms the timer and none repeats the breach.
    expect((await breaches(input, 'CUSTOMER_REPLY'))).toHaveLength(1);
    const breachWrites = suite.h.recorder.persistCallsFor(input.complaintId).filter((c) => c.events.some((e) => e.type === 'DEADLINE_BREACHED'));
    expect(breachWrites).toHaveLength(1);
    expect(breachWrites[0].runId).not.toBe(runId);
    expect(stored.seq).toBe(Math.max(...(await timeline(input)).map((e) => e.seq)));
    await expectGaplessTimeline(input, (await handle.query(stateQuery)));
  });

  test('timeline seqs are gapless and unique over a whole lifecycle, with concurrent actions', async () => {
    const { input, handle, act } = await setUp();
    const results: ActionResult[] = [];
    results.push(await act.validity());
    results.push(await act.dispatch(USERS.handlerA));
    results.push(await act.dispatch(USERS.handlerB)); // re-dispatch
    results.push(await act.acknowledge());
    results.push(...(await Promise.all([act.followUp(false, 'a'), act.followUp(true, 'b'), act.followUp(false, 'c'), act.followUp(false, 'd')])));
    results.push(await act.resolve());
    results.push(await act.callback(false));
    results.push(await act.acknowledge());
    results.push(await act.resolve());
    results.push(await act.callback(true));
    const final = await handle.result();
    expect(final.status).toBe('CLOSED');

    await expectGaplessTimeline(input, final);
    // Every action answered with a distinct seq, one of its own events.
    const seqs = results.map((r) => r.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const r of results) expect((await timeline(input)).some((e) => e.seq === r.seq)).toBe(true);
    const t = (await types(input));
    expect(t.slice(0, 2)).toEqual(['RECEIVED', 'CLASSIFIED']);
    expect(t.filter((x) => x === 'FOLLOW_UP')).toHaveLength(4);
    expect(t.filter((x) => x === 'REDISPATCHED')).toHaveLength(1);
    expect(t.filter((x) => x === 'REOPENED')).toHaveLength(1);
    expect(t.filter((x) => x === 'CLOSED')).toHaveLength(1);
    expect(final.seq).toBe(t.length);
  });

  test('a persist that fails after writing is retried without duplicating or renumbering events', async () => {
    const { input, handle, act } = await setUp();
    await act.dispatch();
    suite.h.recorder.faults.persistFailAfterWrite = 1;
    const r = await act.acknowledge();
    expect(r.status).toBe('IN_PROGRESS');

    const calls = suite.h.recorder.persistCallsFor(input.complaintId).filter((c) => c.events.some((e) => e.type === 'ACKNOWLEDGED'));
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
    const s = await handle.query(stateQuery);
    expect(s.seq).toBe(r.seq);
    await expectGaplessTimeline(input, s);
    expect((await types(input)).filter((x) => x === 'ACKNOWLEDGED')).toHaveLength(1);
  });

  test('withdraw ends the complaint: the workflow completes and pending deadlines never fire', async () => {
    const { input, handle, act } = await setUp({ deadlines: { CUSTOMER_REPLY: SHORT, ACKNOWLEDGE: SHORT } });
    const dueAt = input.intake.receivedAt + 2_000;
    await act.dispatch();
    const w = await act.withdraw();
    expect(w.status).toBe('WITHDRAWN');

    const final = await handle.result();
    expect(final).toMatchObject({ status: 'WITHDRAWN', closedAt: expect.any(Number) });
    expect((await suite.h.runs(input)).status).toBe('COMPLETED');
    const writes = suite.h.recorder.persistCalls.length;
    const seq = final.seq;

    await sleep(Math.max(0, dueAt + 1_500 - Date.now()));
    expect((await breaches(input))).toEqual([]);
    expect((await types(input)).at(-1)).toBe('WITHDRAWN');
    expect(suite.h.recorder.persistCalls.length).toBe(writes);
    expect(await row(input)).toEqual(expectedRow(final));
    expect((await timeline(input))).toHaveLength(seq);
    await expectGaplessTimeline(input, final);
    await expect(act.followUp(true)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  // Timing edge cases: a deadline's timer and a staff action reach the workflow in the same
  // workflow task. A worker outage (deploy, crash) makes that deterministic: the timer fires on the
  // server while no worker polls, the action waits for a worker, and both are delivered together.
  describe('deadline timer and action in the same workflow task (worker was down at the due time)', () => {
    test('telling the customer after the due time is a late reply, not an on-time one', async () => {
      const { input, handle, act } = await setUp({ deadlines: { CUSTOMER_REPLY: SHORT } });
      const dueAt = input.intake.receivedAt + 2_000;
      await act.dispatch();
      await suite.h.stopWorker();
      await sleep(Math.max(0, dueAt + 500 - Date.now()));
      const informed = act.followUp(true, 'finally called Ms Zhang back');
      await sleep(300);
      await suite.h.startWorker();
      await informed;

      const d = deadline(await handle.query(stateQuery), 'CUSTOMER_REPLY')!;
      expect(d.metAt!).toBeGreaterThan(d.dueAt);
      // The customer waited past the due time: reports must count it as breached and met late.
      expect(d.breachedAt).not.toBeNull();
      expect((await breaches(input, 'CUSTOMER_REPLY'))).toHaveLength(1);
      expect((await timeline(input)).find((e) => e.type === 'DEADLINE_MET' && e.data.kind === 'CUSTOMER_REPLY')?.data).toMatchObject({ late: true });
    });

    test('a withdrawal delivered together with the due timer is not followed by a breach', async () => {
      const { input, handle, act } = await setUp({ deadlines: { CUSTOMER_REPLY: SHORT } });
      const dueAt = input.intake.receivedAt + 2_000;
      await act.dispatch();
      await suite.h.stopWorker();
      await sleep(Math.max(0, dueAt + 500 - Date.now()));
      const withdrawn = act.withdraw();
      await sleep(300);
      await suite.h.startWorker();
      await withdrawn;

      const final = await handle.result();
      expect(final.status).toBe('WITHDRAWN');
      // Either the breach came first (it was due before the withdrawal) or not at all:
      // nothing may happen to a withdrawn complaint after WITHDRAWN.
      expect((await types(input)).at(-1)).toBe('WITHDRAWN');
      expect((await row(input)).status).toBe('WITHDRAWN');
      await expectGaplessTimeline(input, final);
    });
  });
});
