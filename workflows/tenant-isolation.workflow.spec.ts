/**
 * Tenant isolation inside Temporal (issue 9), on a REAL Temporal dev server with the REAL activities
 * writing to PostgreSQL: every workflow carries its tenant as the `TenantId` search attribute, and a
 * complaint refuses a command sent for another tenant — an action is rejected by its validator before
 * it is accepted (nothing in the state, the read model or the history), a calendar signal is ignored.
 * The commands are sent straight through the Temporal client, as a defect in a sender would send them.
 */
import { WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { randomBytes, randomUUID } from 'crypto';
import { defaultBranchCalendar } from '../libs/domain/src/calendar/china-holidays.util';
import { formatLocalDate, parseLocalDate } from '../libs/domain/src/calendar/zoned-time.util';
import { ensureWeeklyReviewSchedule } from '../libs/temporal-client/src/weekly-review.schedule';
import { TENANT_MISMATCH } from './shared/complaint.types';
import { tenantOfWorkflowId, weeklyReviewWorkflowId } from './shared/ids';
import { weeklyReviewScheduleId, weeklyReviewScheduleOptions } from './shared/schedules';
import { TENANT_ID_SEARCH_ATTRIBUTE, tenantVisibilityQuery } from './shared/search-attributes';
import { acknowledgeUpdate, calendarChangedSignal, callbackUpdate, dispatchUpdate, followUpUpdate, stateQuery } from './shared/updates';
import { complaintInput, eventually, ORG, USERS, workflowSuite } from './test-support/harness';

/** Another tenant (no rows here: the point is that its commands never reach this tenant's complaints). */
const OTHER_TENANT = '7d1e4b2a-9c3f-4e8d-a215-00000000beef';

const suite = workflowSuite('tenant_wf');

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const history = async (handle: WorkflowHandle): Promise<HistoryEvent[]> => (await handle.fetchHistory()).events ?? [];
const accepted = (events: HistoryEvent[]): string[] =>
  events.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ?? []);
/** The patch ids of the workflow's patched() markers. */
const patches = (events: HistoryEvent[]): string[] =>
  events.flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id] : [];
  });

async function refusal(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => new Error('expected the update to be rejected'), (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** A calendar whose holidays cover every day of 2026–2029: applied, it would make business-time deadlines uncomputable. */
function closedCalendar() {
  const holidays: string[] = [];
  for (let d = parseLocalDate('2026-01-01'); d <= parseLocalDate('2029-12-31'); d++) holidays.push(formatLocalDate(d));
  return { ...defaultBranchCalendar(), holidays, makeUpWorkdays: [] };
}

/** The workflows a visibility query finds (the dev server's visibility is eventually consistent: poll). */
async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of suite.h.client.workflow.list({ query })) ids.push(w.workflowId);
  return ids;
}

describe('an action sent for another tenant', () => {
  it('is rejected by the validator before it is accepted: state, read model and history unchanged', async () => {
    const input = complaintInput();
    const { handle } = await suite.h.intake(input);
    await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
    const state = await handle.query(stateQuery);
    const events = await history(handle);
    const timeline = await suite.h.timeline(input.complaintId);
    const writes = suite.h.recorder.persistCalls.length;

    const foreign = await refusal(handle.executeUpdate(acknowledgeUpdate, { args: [{ tenantId: OTHER_TENANT, actorId: USERS.handler }], updateId: 'foreign-ack' }));
    expect(foreign.type).toBe(TENANT_MISMATCH);
    // Naming no tenant is refused the same way (a sender that forgot to say whose action it is).
    const unnamed = await refusal(handle.executeUpdate(acknowledgeUpdate, { args: [{ actorId: USERS.handler }], updateId: 'unnamed-ack' }));
    expect(unnamed.type).toBe(TENANT_MISMATCH);
    // Refused before the status is looked at (a callback is not allowed while DISPATCHED): another tenant learns nothing of it.
    const wrongStatus = await refusal(handle.executeUpdate(callbackUpdate, {
      args: [{ tenantId: OTHER_TENANT, actorId: USERS.callbackAgent, method: 'PHONE', satisfied: true, comment: null }],
    }));
    expect(wrongStatus.type).toBe(TENANT_MISMATCH);
    expect(wrongStatus.message).not.toContain('DISPATCHED');

    expect(await handle.query(stateQuery)).toEqual(state);
    expect(await suite.h.timeline(input.complaintId)).toEqual(timeline);
    expect(suite.h.recorder.persistCalls).toHaveLength(writes);
    // Rejected in the validator: the updates never entered the history (no accepted update, no new event).
    const after = await history(handle);
    expect(accepted(after)).not.toEqual(expect.arrayContaining(['foreign-ack']));
    expect(accepted(after)).not.toEqual(expect.arrayContaining(['unnamed-ack']));
    expect(after).toHaveLength(events.length);

    // The complaint's own tenant is served as before.
    const own = await handle.executeUpdate(acknowledgeUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.handler }] });
    expect(own.status).toBe('IN_PROGRESS');
  });
});

describe('a calendar signal sent for another tenant', () => {
  it('is ignored: no deadline moves, nothing is recorded or written, and the own tenant\'s signal still applies', async () => {
    const input = complaintInput({ deadlines: { CUSTOMER_REPLY: { after: 'PT2H', businessTime: true } } });
    const { handle } = await suite.h.intake(input);
    const before = await handle.query(stateQuery);
    const writes = suite.h.recorder.persistCalls.length;

    // Both would make CUSTOMER_REPLY uncomputable (DEADLINE_UNCOMPUTABLE) if they were applied.
    await handle.signal(calendarChangedSignal, { tenantId: OTHER_TENANT, calendar: closedCalendar(), changedBy: USERS.manager });
    await handle.signal(calendarChangedSignal, { calendar: closedCalendar(), changedBy: USERS.manager } as never);
    // Signals are handled in order: once this one is on the timeline, the two before it have been handled.
    await handle.signal(calendarChangedSignal, { tenantId: ORG.tenantId, calendar: defaultBranchCalendar(), changedBy: USERS.dispatcher });
    await eventually(async () => ((await suite.h.timeline(input.complaintId)).some((e) => e.type === 'CALENDAR_CHANGED') ? true : undefined));

    const timeline = await suite.h.timeline(input.complaintId);
    expect(timeline.filter((e) => e.type === 'CALENDAR_CHANGED').map((e) => e.actor)).toEqual([USERS.dispatcher]);
    expect(timeline.map((e) => e.type)).not.toContain('DEADLINE_UNCOMPUTABLE');
    const after = await handle.query(stateQuery);
    expect(after.deadlines.map((d) => [d.kind, d.dueAt])).toEqual(before.deadlines.map((d) => [d.kind, d.dueAt]));
    // One write: the own tenant's change.
    expect(suite.h.recorder.persistCalls.slice(writes).flatMap((c) => c.events.map((e) => e.type))).toEqual(['CALENDAR_CHANGED']);
    // The check is behind its patch; the three signals are in the history, as every signal is.
    const events = await history(handle);
    expect(patches(events)).toContain('tenant-checked-signals');
    expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'calendarChanged')).toHaveLength(3);
  });
});

describe('the TenantId search attribute', () => {
  it('is set on a complaint at intake, found by a visibility query for its tenant only, and kept across continue-as-new', async () => {
    const input = complaintInput({ maxHistoryEvents: 30 });
    const { handle } = await suite.h.intake(input);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(TENANT_ID_SEARCH_ATTRIBUTE)).toBe(ORG.tenantId);

    const own = `${tenantVisibilityQuery(ORG.tenantId)} AND WorkflowId = '${handle.workflowId}'`;
    expect(await eventually(async () => ((await listed(own)).length > 0 ? listed(own) : undefined), 30_000, 250)).toEqual([handle.workflowId]);
    expect(await listed(`${tenantVisibilityQuery(OTHER_TENANT)} AND WorkflowId = '${handle.workflowId}'`)).toEqual([]);

    // Enough actions for the run to continue as new: the next run carries the attribute too.
    await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
    for (let i = 0; i < 40 && (await handle.describe()).runId === described.runId; i++) {
      await handle.executeUpdate(followUpUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.handler, note: `follow-up ${i}`, customerInformed: false }] });
    }
    const next = await handle.describe();
    expect(next.runId).not.toBe(described.runId);
    expect(next.typedSearchAttributes.get(TENANT_ID_SEARCH_ATTRIBUTE)).toBe(ORG.tenantId);
  });

  it('is set on the runs of the weekly review schedule, and given to a schedule made before it existed', async () => {
    // A task queue no worker polls: the runs only need to start.
    const taskQueue = `unpolled-${randomBytes(5).toString('hex')}`;
    const tenantId = randomUUID();
    const schedule = suite.h.client.schedule.getHandle(weeklyReviewScheduleId(tenantId));
    try {
      // As an earlier release made it: no search attributes.
      const { typedSearchAttributes: _schedule, ...old } = weeklyReviewScheduleOptions({ tenantId, taskQueue });
      if (old.action.type !== 'startWorkflow') throw new Error('the weekly review starts a workflow');
      const { typedSearchAttributes: _action, ...oldAction } = old.action;
      await suite.h.client.schedule.create({ ...old, action: oldAction });

      await ensureWeeklyReviewSchedule(suite.h.client, { tenantId, taskQueue });
      const { action } = await schedule.describe();
      expect(action.type === 'startWorkflow' && action.typedSearchAttributes instanceof TypedSearchAttributes
        ? action.typedSearchAttributes.get(TENANT_ID_SEARCH_ATTRIBUTE) : undefined).toBe(tenantId);

      await schedule.trigger();
      const query = `${tenantVisibilityQuery(tenantId)} AND WorkflowType = 'weeklyReviewWorkflow'`;
      const [runId] = await eventually(async () => ((await listed(query)).length > 0 ? listed(query) : undefined), 30_000, 250);
      // The run's id is the schedule's workflow id with the scheduled time appended: it still names the tenant.
      expect(runId.startsWith(`${weeklyReviewWorkflowId(tenantId)}-`)).toBe(true);
      expect(tenantOfWorkflowId(runId)).toBe(tenantId);
      await suite.h.client.workflow.getHandle(runId).terminate('test finished');
    } finally {
      await schedule.delete().catch(() => undefined);
    }
  });
});
