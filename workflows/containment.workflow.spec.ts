/**
 * Containment inside the engine (issue 7), on a REAL Temporal server with the REAL activities
 * writing to PostgreSQL: a write that PostgreSQL refuses for good (a NUL byte) refuses its action
 * and leaves a trace without holding the workflow, an uncomputable deadline is a timeline event
 * rather than a workflow task failure, and a registration that fails for good answers intake with
 * an error instead of retrying for ever.
 */
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { defaultBranchCalendar } from '../libs/domain/src/calendar/china-holidays.util';
import { formatLocalDate, parseLocalDate } from '../libs/domain/src/calendar/zoned-time.util';
import { PROJECTION_FAILED, REGISTRATION_FAILED } from './shared/complaint.types';
import { acknowledgeUpdate, calendarChangedSignal, dispatchUpdate, followUpUpdate, stateQuery } from './shared/updates';
import { complaintInput, eventually, ORG, USERS, workflowSuite } from './test-support/harness';

const suite = workflowSuite('containment_wf');

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  const cause = err instanceof WorkflowUpdateFailedError || err instanceof WorkflowFailedError ? err.cause : err;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** A calendar whose holidays cover every day of 2026–2029. */
function closedCalendar() {
  const holidays: string[] = [];
  for (let d = parseLocalDate('2026-01-01'); d <= parseLocalDate('2029-12-31'); d++) holidays.push(formatLocalDate(d));
  return { ...defaultBranchCalendar(), holidays, makeUpWorkdays: [] };
}

describe('a write that fails for good', () => {
  it('refuses the action, restores the state, leaves a trace, and the complaint keeps working (actions and timers)', async () => {
    const input = complaintInput({ deadlines: { CUSTOMER_REPLY: { after: 'PT6S', businessTime: false } } });
    const { handle } = await suite.h.intake(input);
    await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
    const before = await handle.query(stateQuery);

    // The follow-up's note carries a NUL byte: PostgreSQL refuses the write for good (SQLSTATE class 22).
    const refused = await failureOf(
      handle.executeUpdate(followUpUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.handler, note: 'told the customer\u0000', customerInformed: true }] }),
    );
    expect(refused.type).toBe(PROJECTION_FAILED);
    expect(refused.message).toContain('FOLLOW_UP');
    expect(refused.message).toMatch(/SQLSTATE 22(021|P05)/);

    // The workflow's state is what it was (only the trace's seq moved), so it matches the read model.
    const after = await handle.query(stateQuery);
    expect({ ...after, seq: 0 }).toEqual({ ...before, seq: 0 });
    expect(after.seq).toBe(before.seq + 1);
    // The read model holds the projection from before the action (the refused transaction left nothing).
    const row = (await suite.h.row(input.complaintId))!;
    expect(row.seq).toBe(before.seq);
    expect(row.deadlines.find((d) => d.kind === 'CUSTOMER_REPLY')?.metAt).toBeNull();
    // The trace: a PROJECTION_FAILED event on the timeline, and the ALERT call with ids only.
    const timeline = await suite.h.timeline(input.complaintId);
    const trace = timeline.find((e) => e.type === 'PROJECTION_FAILED');
    expect(trace).toMatchObject({ seq: after.seq, actor: 'system', data: { step: 'FOLLOW_UP', failureType: 'DATA_REJECTED' } });
    expect(suite.h.recorder.failureRecords).toHaveLength(1);
    expect(suite.h.recorder.failureRecords[0]).toMatchObject({ complaintId: input.complaintId, step: 'FOLLOW_UP', reference: before.reference });
    expect(JSON.stringify(suite.h.recorder.failureRecords)).not.toContain('told the customer');
    expect(JSON.stringify(timeline)).not.toContain('told the customer');
    expect(timeline.map((e) => e.type)).not.toContain('FOLLOW_UP');
    expect(timeline.map((e) => e.seq)).toEqual(Array.from({ length: after.seq }, (_, i) => i + 1));

    // The lock is released: the next action goes through at once.
    const acked = await handle.executeUpdate(acknowledgeUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.handler }] });
    expect(acked.status).toBe('IN_PROGRESS');
    // The refused follow-up did not meet the customer-reply deadline: its timer still fires.
    const breached = await eventually(async () => {
      const e = (await suite.h.timeline(input.complaintId)).find((x) => x.type === 'DEADLINE_BREACHED' && x.data.kind === 'CUSTOMER_REPLY');
      return e;
    }, 20_000);
    expect(breached.seq).toBeGreaterThan(acked.seq);
    // And a follow-up without the poison is accepted afterwards.
    const ok = await handle.executeUpdate(followUpUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.handler, note: 'called back', customerInformed: true }] });
    expect(ok.seq).toBeGreaterThan(breached.seq);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await suite.h.row(input.complaintId))?.seq).toBe(ok.seq);
  });

  it('answers intake with REGISTRATION_FAILED and ends the workflow when registration is refused for good', async () => {
    // PostgreSQL refuses a NUL byte in a text column (SQLSTATE 22021): registration can never succeed.
    const input = complaintInput({ intake: { description: 'the lift is broken\u0000' } });
    const counter = async (): Promise<number> =>
      (await suite.h.db.query(`SELECT coalesce(max(last), 0)::int AS n FROM reference_counters`))[0].n;
    const numbersBefore = await counter();
    const rowsBefore = await suite.h.db.query(`SELECT count(*)::int AS n FROM complaints`);
    const failure = await failureOf(suite.h.intake(input));
    expect(failure.type).toBe(REGISTRATION_FAILED);
    expect(failure.message).toContain(input.complaintId);
    expect(await suite.h.row(input.complaintId)).toBeUndefined();
    // The rolled-back transaction wrote nothing and gave its reference number back.
    expect(await suite.h.db.query(`SELECT count(*)::int AS n FROM complaints`)).toEqual(rowsBefore);
    expect(await counter()).toBe(numbersBefore);
    const next = await suite.h.intake(complaintInput());
    expect(next.reference.slice(-6)).toBe(String(numbersBefore + 1).padStart(6, '0'));
    expect(suite.h.recorder.failureRecords).toEqual([expect.objectContaining({ complaintId: input.complaintId, step: 'REGISTRATION', reference: null, event: null })]);
    const ended = await failureOf(suite.h.handle(input).result());
    expect(ended.type).toBe(REGISTRATION_FAILED);
  });
});

describe('an uncomputable deadline', () => {
  it('P5000000D in business time: the complaint registers, records DEADLINE_UNCOMPUTABLE and runs on a capped fallback', async () => {
    const input = complaintInput({ deadlines: { CUSTOMER_REPLY: { after: 'P5000000D', businessTime: true } } });
    const { reference, handle } = await suite.h.intake(input);
    expect(reference).toMatch(/^GZ01-/);
    const event = (await suite.h.timeline(input.complaintId)).find((e) => e.type === 'DEADLINE_UNCOMPUTABLE');
    expect(event?.data).toMatchObject({ kind: 'CUSTOMER_REPLY', reason: 'BEYOND_ENGINE_LIMIT' });
    const s = await handle.query(stateQuery);
    const reply = s.deadlines.find((d) => d.kind === 'CUSTOMER_REPLY')!;
    expect(new Date(event!.data.fallbackDueAt as string).getTime()).toBe(reply.dueAt);
    expect(reply.dueAt - reply.anchorAt).toBeLessThanOrEqual(366 * 24 * 3600_000);
    const dispatched = await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
    expect(dispatched.status).toBe('DISPATCHED');
  });

  it('a calendar without working time for years keeps the due times, records why, and does not wedge the workflow', async () => {
    const input = complaintInput({ deadlines: { CUSTOMER_REPLY: { after: 'PT2H', businessTime: true } } });
    const { handle } = await suite.h.intake(input);
    const before = (await handle.query(stateQuery)).deadlines.find((d) => d.kind === 'CUSTOMER_REPLY')!;
    await handle.signal(calendarChangedSignal, { tenantId: ORG.tenantId, calendar: closedCalendar(), changedBy: USERS.manager });
    const event = await eventually(async () => (await suite.h.timeline(input.complaintId)).find((e) => e.type === 'DEADLINE_UNCOMPUTABLE'));
    expect(event.data).toMatchObject({ kind: 'CUSTOMER_REPLY', reason: 'NO_WORKING_TIME', keptDueAt: new Date(before.dueAt).toISOString() });
    expect((await suite.h.timeline(input.complaintId)).map((e) => e.type)).toContain('CALENDAR_CHANGED');
    // Actions still work, and restoring a normal calendar moves deadlines again.
    const dispatched = await handle.executeUpdate(dispatchUpdate, { args: [{ tenantId: ORG.tenantId, actorId: USERS.dispatcher, assigneeId: USERS.handler, note: null }] });
    expect(dispatched.status).toBe('DISPATCHED');
    await handle.signal(calendarChangedSignal, { tenantId: ORG.tenantId, calendar: defaultBranchCalendar(), changedBy: USERS.manager });
    await eventually(async () => ((await suite.h.timeline(input.complaintId)).filter((e) => e.type === 'CALENDAR_CHANGED').length === 2 ? true : undefined));
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});
