import { defaultBranchCalendar } from '../../../domain/src/calendar/china-holidays.util';
import type { ComplaintState, DeadlineState, TimelineEventRecord } from '../../../domain/src/lifecycle/complaint.types';
import { complaintFactValues, higherSeverity, stageFactValues } from './report-facts.projection';

const T0 = Date.parse('2026-10-09T02:00:00Z');
const MIN = 60_000;
const DISPATCHER = '11111111-1111-4111-8111-111111111111';
const HANDLER = '22222222-2222-4222-8222-222222222222';

function state(overrides: Partial<ComplaintState> = {}): ComplaintState {
  return {
    reference: 'B1-2026-000001', status: 'RECEIVED', round: 1, category: 'PROPERTY_MANAGEMENT', severity: 'GENERAL', validity: 'UNDETERMINED',
    responsibility: 'UNDETERMINED', assigneeId: null, acknowledgedAt: null, resolvedAt: null, closedAt: null, satisfied: null,
    lastCallbackMethod: null, deadlines: [], seq: 3, followUpsSinceDispatch: 0, assigneeIsContractor: false, specialReport: null,
    calendar: defaultBranchCalendar(), receivedAt: T0, ...overrides,
  };
}

const ev = (seq: number, type: string, at: number, data: Record<string, unknown> = {}, actor: string | null = 'system'): TimelineEventRecord =>
  ({ seq, at, type, actor, data });

const deadline = (kind: DeadlineState['kind'], round: number, anchorAt: number, dueAt: number, metAt: number | null, breachedAt: number | null = null): DeadlineState =>
  ({ kind, round, anchorAt, dueAt, metAt, breachedAt });

describe('reporting facts of a complaint', () => {
  it('at intake: received, open, nothing decided; a HOT intake is HOT from its first event', () => {
    const f = complaintFactValues(state(), [ev(1, 'RECEIVED', T0), ev(2, 'CLASSIFIED', T0, { severity: 'GENERAL' })]);
    expect(f).toMatchObject({
      severity: 'GENERAL', peakSeverity: 'GENERAL', hotOrMajorAt: null, valid: false, invalid: false, resolvedAt: null, calledBackAt: null,
      satisfied: null, reopened: false, closedAt: null, withdrawn: false, merged: false, open: true, overdue: false, dispatcherId: null, updatedSeq: 3,
    });
    const hot = complaintFactValues(state({ severity: 'HOT' }), [ev(1, 'RECEIVED', T0), ev(2, 'CLASSIFIED', T0, { severity: 'HOT' })]);
    expect(hot.hotOrMajorAt).toEqual(new Date(T0));
    expect(hot.peakSeverity).toBe('HOT');
  });

  it('the first dispatcher, a resolution, a callback and the validity are taken from the write', () => {
    const dispatched = complaintFactValues(state({ status: 'DISPATCHED', assigneeId: HANDLER }), [ev(4, 'DISPATCHED', T0 + 10 * MIN, { assigneeId: HANDLER }, DISPATCHER)]);
    expect(dispatched.dispatcherId).toBe(DISPATCHER);
    // A re-dispatch is not the first dispatch.
    expect(complaintFactValues(state(), [ev(9, 'REDISPATCHED', T0, {}, DISPATCHER)]).dispatcherId).toBeNull();
    const resolved = complaintFactValues(
      state({ status: 'CALLBACK_PENDING', validity: 'VALID', resolvedAt: T0 + 60 * MIN }),
      [ev(10, 'RESOLVED', T0 + 60 * MIN, {}, HANDLER), ev(11, 'CALLBACK_PENDING', T0 + 60 * MIN)],
    );
    expect(resolved).toMatchObject({ valid: true, invalid: false, resolvedAt: new Date(T0 + 60 * MIN), calledBackAt: null });
    const calledBack = complaintFactValues(
      state({ status: 'ANALYSIS_PENDING', validity: 'INVALID', resolvedAt: T0 + 60 * MIN, satisfied: true }),
      [ev(12, 'CALLBACK', T0 + 120 * MIN, { satisfied: true }, DISPATCHER)],
    );
    expect(calledBack).toMatchObject({ invalid: true, valid: false, calledBackAt: new Date(T0 + 120 * MIN), satisfied: true, open: true });
  });

  it('a reopen keeps the first resolution for the writer (the state clears it), and marks the complaint reopened', () => {
    const reopened = complaintFactValues(
      state({ status: 'DISPATCHED', round: 2, resolvedAt: null, satisfied: false }),
      [ev(13, 'CALLBACK', T0 + 200 * MIN, { satisfied: false }), ev(14, 'REOPENED', T0 + 200 * MIN, { round: 2 })],
    );
    // The state no longer has it: the writer keeps the stored first resolution (COALESCE).
    expect(reopened).toMatchObject({ reopened: true, resolvedAt: null, satisfied: false, calledBackAt: new Date(T0 + 200 * MIN) });
  });

  it('closure, withdrawal and merge end the complaint; only a closure is a closure', () => {
    expect(complaintFactValues(state({ status: 'CLOSED', closedAt: T0 + 999 }), [])).toMatchObject({ closedAt: new Date(T0 + 999), open: false });
    expect(complaintFactValues(state({ status: 'WITHDRAWN', closedAt: T0 + 999 }), [])).toMatchObject({ closedAt: null, withdrawn: true, open: false });
    expect(complaintFactValues(state({ status: 'MERGED', closedAt: T0 + 999 }), [])).toMatchObject({ closedAt: null, merged: true, open: false });
  });

  it('the peak severity and the first HOT/MAJOR instant come from the severity changes of the write', () => {
    const f = complaintFactValues(
      state({ severity: 'IMPORTANT' }),
      [ev(20, 'SEVERITY_CHANGED', T0 + 5 * MIN, { from: 'GENERAL', to: 'MAJOR' }), ev(21, 'SEVERITY_CHANGED', T0 + 6 * MIN, { from: 'MAJOR', to: 'IMPORTANT' })],
    );
    expect(f).toMatchObject({ severity: 'IMPORTANT', peakSeverity: 'MAJOR', hotOrMajorAt: new Date(T0 + 5 * MIN) });
    expect(higherSeverity('HOT', 'IMPORTANT')).toBe('HOT');
    expect(higherSeverity('GENERAL', 'MAJOR')).toBe('MAJOR');
  });

  it('overdue: a deadline breached and not met (not a cancelled one), while open', () => {
    const breached = deadline('RESOLUTION', 1, T0, T0 + 60 * MIN, null, T0 + 61 * MIN);
    expect(complaintFactValues(state({ status: 'IN_PROGRESS', deadlines: [breached] }), []).overdue).toBe(true);
    expect(complaintFactValues(state({ status: 'IN_PROGRESS', deadlines: [{ ...breached, metAt: T0 + 90 * MIN }] }), []).overdue).toBe(false);
    expect(complaintFactValues(state({ status: 'WITHDRAWN', deadlines: [breached] }), []).overdue).toBe(false);
    expect(complaintFactValues(state({ status: 'IN_PROGRESS', deadlines: [{ ...breached, cancelledAt: T0 + 62 * MIN }] }), []).overdue).toBe(false);
  });
});

describe('stage facts of a complaint', () => {
  it('one per deadline: started at its anchor, completed when met, on time when met by its due time', () => {
    const rows = stageFactValues(state({
      assigneeId: HANDLER, severity: 'HOT', seq: 30,
      deadlines: [
        deadline('FORWARD', 1, T0, T0 + 30 * MIN, T0 + 20 * MIN),
        deadline('ACKNOWLEDGE', 1, T0 + 20 * MIN, T0 + 260 * MIN, T0 + 300 * MIN, T0 + 260 * MIN),
        deadline('RESOLUTION', 1, T0 + 20 * MIN, T0 + 2000 * MIN, null),
      ],
    }));
    expect(rows).toEqual([
      {
        kind: 'FORWARD', round: 1, startedAt: new Date(T0), dueAt: new Date(T0 + 30 * MIN), completedAt: new Date(T0 + 20 * MIN), breachedAt: null,
        cancelledAt: null, metOnTime: true, actorId: HANDLER, severityAtCompletion: 'HOT', updatedSeq: 30,
      },
      {
        kind: 'ACKNOWLEDGE', round: 1, startedAt: new Date(T0 + 20 * MIN), dueAt: new Date(T0 + 260 * MIN), completedAt: new Date(T0 + 300 * MIN),
        breachedAt: new Date(T0 + 260 * MIN), cancelledAt: null, metOnTime: false, actorId: HANDLER, severityAtCompletion: 'HOT', updatedSeq: 30,
      },
      {
        kind: 'RESOLUTION', round: 1, startedAt: new Date(T0 + 20 * MIN), dueAt: new Date(T0 + 2000 * MIN), completedAt: null, breachedAt: null,
        cancelledAt: null, metOnTime: null, actorId: null, severityAtCompletion: null, updatedSeq: 30,
      },
    ]);
  });

  it('the same deadline twice in a state is one row', () => {
    const d = deadline('FORWARD', 1, T0, T0 + 30 * MIN, T0 + 20 * MIN);
    expect(stageFactValues(state({ deadlines: [d, { ...d }] }))).toHaveLength(1);
  });
});
