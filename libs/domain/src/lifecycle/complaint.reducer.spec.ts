import type { BranchCalendar } from '../calendar/calendar.types';
import { COMPLAINT_STATUSES, ComplaintStatus, DEADLINE_KINDS, DeadlineKind, Severity } from '../enums';
import { presetPolicy } from '../policy/policy.util';
import type { DeadlineRule, Policy } from '../policy/policy.types';
import type { ComplaintState, DeadlineState, IntakeFacts, TimelineEventRecord } from './complaint.types';
import {
  Applied, ComplaintCommand, LifecycleContext, ReduceResult, RefusalCode, initialComplaintState, isOpenDeadline, readyToClose, reduce,
} from './complaint.reducer';
import { allowedFrom } from './lifecycle.util';

// --- fixtures ----------------------------------------------------------------------------------

const sh = (local: string): number => Date.parse(`${local}:00+08:00`);
const NOW = sh('2026-03-10T10:00');
const HOUR = 3600_000;
const DISPATCHER = 'dispatcher-1';
const HANDLER = 'handler-1';

const WEEKDAYS: BranchCalendar = {
  timezone: 'Asia/Shanghai',
  workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
  holidays: [],
  makeUpWorkdays: [],
};
const FAR: DeadlineRule = { after: 'P30D', businessTime: false };

function policy(overrides: { deadlines?: Partial<Record<DeadlineKind, DeadlineRule>>; requiredFor?: 'ALL' | 'VALID' } = {}): Policy {
  const base = presetPolicy('pm-branch');
  const deadlines = Object.fromEntries(DEADLINE_KINDS.map((k) => [k, overrides.deadlines?.[k] ?? FAR])) as Record<DeadlineKind, DeadlineRule>;
  return { ...base, deadlines, callback: { requiredFor: overrides.requiredFor ?? 'VALID' } };
}

const intake = (over: Partial<IntakeFacts> = {}): IntakeFacts => ({
  channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT', householdsAffected: 1, lossAmountYuan: null, injury: false,
  mediaExposure: false, litigation: false, emergency: false, receivedAt: NOW - HOUR, firstContactOwnerId: DISPATCHER, ...over,
});

function ctx(over: Partial<LifecycleContext> = {}): LifecycleContext {
  return { now: NOW, policy: policy(), complaintKind: 'COMPLAINT', patches: { uncomputableDeadlineFallsBack: true, severityFollowsFacts: true }, ...over };
}

/** A registered complaint in the given status, as the workflow would hold it (no open deadlines). */
function stateIn(status: ComplaintStatus, severity: Severity = 'GENERAL'): ComplaintState {
  const dispatched = !['RECEIVED'].includes(status);
  return {
    ...initialComplaintState(intake(), policy(), WEEKDAYS),
    reference: 'SH01-2026-000001',
    status,
    severity,
    seq: 10,
    assigneeId: dispatched ? HANDLER : null,
    acknowledgedAt: ['IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING', 'ANALYSIS_PENDING', 'CLOSED'].includes(status) ? NOW - HOUR : null,
    closedAt: ['CLOSED', 'WITHDRAWN', 'MERGED'].includes(status) ? NOW - HOUR : null,
  };
}

/** Freezes a state all the way down: the reducer must not change its input. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

function applied(r: ReduceResult): Applied {
  if ('refused' in r) throw new Error(`refused: ${r.refused.code} ${r.refused.message}`);
  if ('undecided' in r) throw new Error(`undecided: ${r.undecided}`);
  return r;
}

/** Runs commands one after another (each at its own instant), collecting every event. */
function run(state: ComplaintState, steps: [ComplaintCommand, Partial<LifecycleContext>?][]): { state: ComplaintState; events: TimelineEventRecord[] } {
  const events: TimelineEventRecord[] = [];
  for (const [command, over] of steps) {
    const r = applied(reduce(state, command, ctx(over)));
    events.push(...r.events);
    state = r.state;
  }
  return { state, events };
}

const open = (s: ComplaintState, kind: DeadlineKind): DeadlineState | undefined =>
  s.deadlines.find((d) => d.kind === kind && d.metAt === null && d.breachedAt === null);

// Commands with typical arguments, one per command type.
const COMMANDS: Record<ComplaintCommand['type'], ComplaintCommand> = {
  DISPATCH: { type: 'DISPATCH', args: { actorId: DISPATCHER, assigneeId: HANDLER, note: null } },
  ACKNOWLEDGE: { type: 'ACKNOWLEDGE', args: { actorId: HANDLER } },
  FOLLOW_UP: { type: 'FOLLOW_UP', args: { actorId: HANDLER, note: 'called the contractor', customerInformed: false } },
  DETERMINE_VALIDITY: { type: 'DETERMINE_VALIDITY', args: { actorId: HANDLER, validity: 'VALID', responsibility: 'RESPONSIBLE', reason: 'our lift' } },
  RESOLVE: { type: 'RESOLVE', args: { actorId: HANDLER, resolution: 'lift repaired', customerSigned: true } },
  CALLBACK: { type: 'CALLBACK', args: { actorId: DISPATCHER, method: 'PHONE', satisfied: true, comment: 'thanks' } },
  WITHDRAW: { type: 'WITHDRAW', args: { actorId: DISPATCHER, reason: 'customer withdrew' } },
  SPECIAL_REPORT: { type: 'SPECIAL_REPORT', args: { actorId: DISPATCHER, whatHappened: 'flood', rootCause: 'pipe', preventiveMeasures: 'checks' } },
  RECEIVE: { type: 'RECEIVE', intake: intake() },
  REGISTERED: { type: 'REGISTERED', reference: 'SH01-2026-000002' },
  TIMER_FIRED: { type: 'TIMER_FIRED' },
  CALENDAR_CHANGED: { type: 'CALENDAR_CHANGED', calendar: { ...WEEKDAYS, holidays: ['2026-03-11'] }, changedBy: DISPATCHER },
  SPECIAL_REPORT_REQUIRED: { type: 'SPECIAL_REPORT_REQUIRED' },
  CLOSE: { type: 'CLOSE', figures: { handlingHours: 3 } },
  WRITE_FAILED: { type: 'WRITE_FAILED', step: 'DISPATCH', failureType: 'DATA_REJECTED', failure: 'value too long' },
  MERGE: { type: 'MERGE', args: { actorId: DISPATCHER, intoId: 'complaint-2', intoReference: 'SH01-2026-000002', reason: 'same leak' } },
  HAND_OVER: { type: 'HAND_OVER', args: { actorId: DISPATCHER, toUserId: 'handler-2', note: 'off shift tomorrow' }, firstContactOwnerId: DISPATCHER },
  MERGE_RECEIVED: { type: 'MERGE_RECEIVED', args: { actorId: DISPATCHER, fromId: 'complaint-3', fromReference: 'SH01-2026-000003', reason: 'same leak' } },
  UPDATE_FACTS: { type: 'UPDATE_FACTS', args: { actorId: DISPATCHER, facts: { householdsAffected: 5 }, reason: 'four neighbours joined' } },
  RECLASSIFY: { type: 'RECLASSIFY', args: { actorId: DISPATCHER, category: 'OTHER', severity: 'IMPORTANT', reason: 'developer matter' } },
  RECORD_FACILITY_RESTORED: { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt: NOW } },
  SEVERITY_RULE: { type: 'SEVERITY_RULE', severity: 'MAJOR', rule: 'collectiveHouseholdsMajor', matterId: 'matter-1', firedAt: NOW },
  CUSTOMER_MESSAGE_RESULT: {
    type: 'CUSTOMER_MESSAGE_RESULT', result: { messageId: 'message-1', kind: 'RESULT', channel: 'SMS', status: 'DELIVERED', meets: ['CUSTOMER_REPLY'], reason: null },
  },
  CUSTOMER_RESPONDED: { type: 'CUSTOMER_RESPONDED', response: { response: 'CONFIRMED', comment: null, requestId: 'r-1' } },
};

// --- every status × every command ------------------------------------------------------------------

type Outcome = { status: ComplaintStatus; events: string[] } | { refused: RefusalCode };
const TERMINAL: ComplaintStatus[] = ['CLOSED', 'WITHDRAWN', 'MERGED'];
const SET = 'DEADLINE_SET';

/** What each command does from each status (fixture: no open deadlines, every deadline 30 calendar days). */
const EXPECTED: Record<ComplaintCommand['type'], (status: ComplaintStatus, severity: Severity) => Outcome> = {
  // Dispatch starts ACKNOWLEDGE, VALIDITY, FOLLOW_UP_1 and FOLLOW_UP_2 (CONTRACTOR_CONTACT is for repairs by contractors).
  DISPATCH: (s) => (allowedFrom('DISPATCH').includes(s)
    ? { status: 'DISPATCHED', events: [s === 'RECEIVED' ? 'DISPATCHED' : 'REDISPATCHED', SET, SET, SET, SET] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  ACKNOWLEDGE: (s) => (s === 'DISPATCHED' ? { status: 'IN_PROGRESS', events: ['ACKNOWLEDGED', SET] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  FOLLOW_UP: (s) => (['DISPATCHED', 'IN_PROGRESS'].includes(s) ? { status: s, events: ['FOLLOW_UP'] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  DETERMINE_VALIDITY: (s) => (['RECEIVED', 'DISPATCHED', 'IN_PROGRESS'].includes(s) ? { status: s, events: ['VALIDITY_DETERMINED'] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  RESOLVE: (s) => (s === 'IN_PROGRESS' ? { status: 'CALLBACK_PENDING', events: ['RESOLVED', 'CALLBACK_PENDING', SET] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  CALLBACK: (s) => (s === 'CALLBACK_PENDING' ? { status: 'ANALYSIS_PENDING', events: ['CALLBACK', 'ANALYSIS_PENDING'] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  WITHDRAW: (s) => ([...TERMINAL, 'ANALYSIS_PENDING'].includes(s) ? { refused: 'NOT_ALLOWED_IN_STATUS' } : { status: 'WITHDRAWN', events: ['WITHDRAWN'] }),
  SPECIAL_REPORT: (s, sev) => {
    if (!allowedFrom('SPECIAL_REPORT').includes(s)) return { refused: 'NOT_ALLOWED_IN_STATUS' };
    return sev === 'GENERAL' ? { refused: 'NOT_HOT_OR_MAJOR' } : { status: s, events: ['SPECIAL_REPORT'] };
  },
  RECEIVE: () => ({ refused: 'ALREADY_REGISTERED' }),
  REGISTERED: () => ({ refused: 'ALREADY_REGISTERED' }),
  TIMER_FIRED: (s) => (TERMINAL.includes(s) ? { refused: 'COMPLAINT_ENDED' } : { status: s, events: [] }),
  CALENDAR_CHANGED: (s) => ({ status: s, events: ['CALENDAR_CHANGED'] }),
  SPECIAL_REPORT_REQUIRED: (s, sev) => (s === 'ANALYSIS_PENDING' && sev !== 'GENERAL' ? { status: s, events: ['SPECIAL_REPORT_REQUIRED'] } : { refused: 'NOT_HOT_OR_MAJOR' }),
  CLOSE: (s, sev) => (s === 'ANALYSIS_PENDING' && sev === 'GENERAL' ? { status: 'CLOSED', events: ['ANALYSED', 'CLOSED'] } : { refused: 'NOT_READY_TO_CLOSE' }),
  WRITE_FAILED: (s) => ({ status: s, events: ['PROJECTION_FAILED'] }),
  MERGE: (s) => (allowedFrom('MERGE').includes(s) ? { status: 'MERGED', events: ['MERGED_INTO'] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  HAND_OVER: (s) => (allowedFrom('HAND_OVER').includes(s) ? { status: s, events: ['HANDED_OVER'] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  MERGE_RECEIVED: (s) => (TERMINAL.includes(s) ? { refused: 'COMPLAINT_ENDED' } : { status: s, events: ['MERGE_RECEIVED'] }),
  // pm-branch: 5 households → MAJOR; a complaint becoming MAJOR owes its special report (REPORT starts).
  UPDATE_FACTS: (s, sev) => (allowedFrom('UPDATE_FACTS').includes(s)
    ? { status: s, events: ['FACTS_UPDATED', 'SEVERITY_CHANGED', ...(sev === 'GENERAL' ? [SET] : [])] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  // Staff may set any level, a lower one too (with a reason).
  RECLASSIFY: (s) => (allowedFrom('RECLASSIFY').includes(s) ? { status: s, events: ['CATEGORY_CHANGED', 'SEVERITY_CHANGED'] } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  RECORD_FACILITY_RESTORED: (s) => (allowedFrom('RECORD_FACILITY_RESTORED').includes(s) ? { refused: 'FACILITY_NOT_DOWN' } : { refused: 'NOT_ALLOWED_IN_STATUS' }),
  SEVERITY_RULE: (s, sev) => (TERMINAL.includes(s) ? { refused: 'COMPLAINT_ENDED' } : { status: s, events: ['SEVERITY_CHANGED', ...(sev === 'GENERAL' ? [SET] : [])] }),
  CUSTOMER_MESSAGE_RESULT: (s) => (TERMINAL.includes(s) ? { refused: 'COMPLAINT_ENDED' } : { status: s, events: ['CUSTOMER_MESSAGE_DELIVERED'] }),
  CUSTOMER_RESPONDED: (s) => (s === 'CALLBACK_PENDING' ? { status: s, events: ['CUSTOMER_CONFIRMED'] } : { refused: 'NOT_AWAITING_CALLBACK' }),
};

const STAFF = new Set(['DISPATCH', 'ACKNOWLEDGE', 'FOLLOW_UP', 'DETERMINE_VALIDITY', 'RESOLVE', 'CALLBACK', 'WITHDRAW', 'SPECIAL_REPORT',
  'UPDATE_FACTS', 'RECLASSIFY', 'RECORD_FACILITY_RESTORED', 'MERGE', 'HAND_OVER']);

describe('the complaint reducer: every status × every command', () => {
  const cases = (['GENERAL', 'HOT'] as const).flatMap((severity) =>
    COMPLAINT_STATUSES.flatMap((status) => (Object.keys(COMMANDS) as ComplaintCommand['type'][]).map((command) => ({ severity, status, command }))));

  it.each(cases)('$severity complaint, $status, $command', ({ severity, status, command }) => {
    const before = deepFreeze(stateIn(status, severity));
    const expected = EXPECTED[command](status, severity);
    const r = reduce(before, COMMANDS[command], ctx());
    if ('refused' in expected) {
      expect(r).toEqual({ refused: { code: expected.refused, message: expect.any(String) } });
      if ('refused' in r && expected.refused === 'NOT_ALLOWED_IN_STATUS') {
        expect(r.refused.message).toBe(`${command} is not allowed while the complaint is ${status} (allowed from: ${allowedFrom(command as never).join(', ')})`);
      }
      return;
    }
    const a = applied(r);
    expect(a.state.status).toBe(expected.status);
    expect(a.events.map((e) => e.type)).toEqual(expected.events);
    // Events are numbered on from the state's last seq, without gaps, at the step's instant.
    expect(a.events.map((e) => e.seq)).toEqual(expected.events.map((_, i) => before.seq + 1 + i));
    expect(a.state.seq).toBe(before.seq + expected.events.length);
    for (const e of a.events) expect(e.at).toBe(NOW);
    if (STAFF.has(command)) expect(a.effects).toContainEqual({ type: 'PERSIST', step: command });
    // A new state, never the input changed in place.
    expect(a.state).not.toBe(before);
  });

  it('covers every status and every command', () => {
    expect(cases).toHaveLength(2 * COMPLAINT_STATUSES.length * Object.keys(COMMANDS).length);
  });

  it('refuses every staff action while the complaint is still being registered', () => {
    const unregistered = deepFreeze(initialComplaintState(intake(), policy(), WEEKDAYS));
    for (const type of STAFF) {
      expect(reduce(unregistered, COMMANDS[type as ComplaintCommand['type']], ctx())).toEqual({
        refused: { code: 'NOT_REGISTERED', message: 'the complaint is still being registered' },
      });
    }
  });
});

// --- the life of a complaint ---------------------------------------------------------------------

describe('intake', () => {
  it('records RECEIVED and CLASSIFIED, starts the reception clocks at receivedAt, and asks for registration', () => {
    const facts = intake({ householdsAffected: 40 });
    const p = policy();
    const s0 = deepFreeze(initialComplaintState(facts, p, WEEKDAYS));
    const r = applied(reduce(s0, { type: 'RECEIVE', intake: facts }, ctx({ policy: p })));
    expect(r.events.slice(0, 2)).toEqual([
      { seq: 1, at: NOW, type: 'RECEIVED', actor: DISPATCHER, data: { channel: 'PHONE' } },
      { seq: 2, at: NOW, type: 'CLASSIFIED', actor: 'system', data: { kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT', severity: s0.severity, reasons: expect.any(Array), emergency: false } },
    ]);
    const started = r.events.slice(2).map((e) => e.data.kind);
    // REPORT only for hot and major complaints.
    expect(started).toEqual(['FORWARD', 'CUSTOMER_REPLY', 'RESOLUTION', 'WHOLE_PROCESS', ...(['HOT', 'MAJOR'].includes(s0.severity) ? ['REPORT'] : [])]);
    for (const d of r.state.deadlines) expect(d).toMatchObject({ round: 1, anchorAt: facts.receivedAt, dueAt: facts.receivedAt + 30 * 24 * HOUR });
    expect(r.effects).toEqual([{ type: 'REGISTER' }, { type: 'REARM_TIMER' }]);
    expect(applied(reduce(r.state, { type: 'REGISTERED', reference: 'R-1' }, ctx())).state.reference).toBe('R-1');
  });
});

describe('reopen after an unsatisfied callback', () => {
  it('starts round 2: back to DISPATCHED, dispatch clocks restart, RESOLUTION restarts', () => {
    const base = applied(reduce(initialComplaintState(intake(), policy(), WEEKDAYS), COMMANDS.RECEIVE, ctx({ now: NOW - HOUR }))).state;
    const registered = { ...base, reference: 'R-1' };
    const { state: pending } = run(registered, [
      [COMMANDS.DISPATCH], [COMMANDS.ACKNOWLEDGE], [COMMANDS.RESOLVE],
    ]);
    expect(pending.status).toBe('CALLBACK_PENDING');
    const later = NOW + 2 * HOUR;
    const r = applied(reduce(deepFreeze(pending), { type: 'CALLBACK', args: { actorId: DISPATCHER, method: 'VISIT', satisfied: false, comment: 'still broken' } }, ctx({ now: later })));
    expect(r.state).toMatchObject({ status: 'DISPATCHED', round: 2, resolvedAt: null, acknowledgedAt: null, followUpsSinceDispatch: 0, satisfied: false, assigneeId: HANDLER });
    const types = r.events.map((e) => `${e.type}${e.data.kind ? `:${String(e.data.kind)}` : ''}`);
    expect(types).toEqual([
      'CALLBACK', 'DEADLINE_MET:CALLBACK', 'REOPENED',
      'DEADLINE_SET:ACKNOWLEDGE', 'DEADLINE_SET:VALIDITY', 'DEADLINE_SET:FOLLOW_UP_1', 'DEADLINE_SET:FOLLOW_UP_2', 'DEADLINE_SET:RESOLUTION',
    ]);
    expect(r.events[2]).toMatchObject({ actor: DISPATCHER, data: { round: 2, comment: 'still broken' } });
    for (const kind of ['ACKNOWLEDGE', 'VALIDITY', 'FOLLOW_UP_1', 'FOLLOW_UP_2', 'RESOLUTION'] as const) {
      expect(open(r.state, kind)).toMatchObject({ round: 2, anchorAt: later, dueAt: later + 30 * 24 * HOUR });
    }
    // Round 1's RESOLUTION stays met; WHOLE_PROCESS runs on, unchanged.
    expect(r.state.deadlines.filter((d) => d.kind === 'RESOLUTION' && d.round === 1)).toEqual([expect.objectContaining({ metAt: NOW })]);
    expect(open(r.state, 'WHOLE_PROCESS')).toMatchObject({ round: 1 });
    expect(r.effects).toEqual([{ type: 'PERSIST', step: 'CALLBACK' }, { type: 'REARM_TIMER' }]);
  });
});

describe('callback rule', () => {
  const resolvedAs = (validity: 'VALID' | 'INVALID', requiredFor: 'ALL' | 'VALID') => {
    const p = policy({ requiredFor });
    const { state } = run(stateIn('IN_PROGRESS'), [
      [{ type: 'DETERMINE_VALIDITY', args: { actorId: HANDLER, validity, responsibility: 'NON_RESPONSIBLE', reason: 'not ours' } }, { policy: p }],
      [COMMANDS.RESOLVE, { policy: p }],
    ]);
    return state;
  };

  it('needs no callback for an INVALID complaint under requiredFor: VALID (straight to analysis, with the reason)', () => {
    const p = policy({ requiredFor: 'VALID' });
    const s = run(stateIn('IN_PROGRESS'), [
      [{ type: 'DETERMINE_VALIDITY', args: { actorId: HANDLER, validity: 'INVALID', responsibility: 'NON_RESPONSIBLE', reason: 'not ours' } }, { policy: p }],
    ]).state;
    const r = applied(reduce(s, COMMANDS.RESOLVE, ctx({ policy: p })));
    expect(r.state.status).toBe('ANALYSIS_PENDING');
    expect(r.events.map((e) => e.type)).toEqual(['RESOLVED', 'ANALYSIS_PENDING']);
    expect(r.events[1].data).toEqual({ note: 'callback not required for an invalid complaint under this policy' });
    expect(r.state.deadlines.some((d) => d.kind === 'CALLBACK')).toBe(false);
  });

  it('still calls back a VALID complaint, and every complaint under requiredFor: ALL', () => {
    expect(resolvedAs('VALID', 'VALID').status).toBe('CALLBACK_PENDING');
    expect(resolvedAs('INVALID', 'ALL').status).toBe('CALLBACK_PENDING');
    expect(open(resolvedAs('INVALID', 'ALL'), 'CALLBACK')).toBeDefined();
  });
});

describe('special report gate', () => {
  it('keeps a hot or major complaint in analysis until its report is in, then lets it close', () => {
    for (const severity of ['HOT', 'MAJOR'] as const) {
      const analysing = deepFreeze(stateIn('ANALYSIS_PENDING', severity));
      expect(readyToClose(analysing)).toBe(false);
      expect(reduce(analysing, COMMANDS.CLOSE, ctx())).toMatchObject({ refused: { code: 'NOT_READY_TO_CLOSE' } });
      const required = applied(reduce(analysing, COMMANDS.SPECIAL_REPORT_REQUIRED, ctx()));
      expect(required.events).toEqual([{ seq: 11, at: NOW, type: 'SPECIAL_REPORT_REQUIRED', actor: 'system', data: { severity } }]);

      const reported = applied(reduce(required.state, COMMANDS.SPECIAL_REPORT, ctx()));
      expect(reported.state.specialReport).toEqual({ whatHappened: 'flood', rootCause: 'pipe', preventiveMeasures: 'checks', submittedAt: NOW, submittedBy: DISPATCHER });
      expect(reported.events).toEqual([{ seq: 12, at: NOW, type: 'SPECIAL_REPORT', actor: DISPATCHER, data: { rootCause: 'pipe' } }]);
      expect(readyToClose(reported.state)).toBe(true);
      expect(reduce(reported.state, COMMANDS.SPECIAL_REPORT, ctx())).toEqual({
        refused: { code: 'SPECIAL_REPORT_ALREADY_SUBMITTED', message: 'the special report has already been submitted' },
      });
      const closed = applied(reduce(reported.state, COMMANDS.CLOSE, ctx()));
      expect(closed.state).toMatchObject({ status: 'CLOSED', closedAt: NOW });
      expect(closed.events.map((e) => e.type)).toEqual(['ANALYSED', 'CLOSED']);
      expect(closed.events[0].data).toEqual({ handlingHours: 3 });
    }
  });

  it('refuses a special report for a general or important complaint', () => {
    for (const severity of ['GENERAL', 'IMPORTANT'] as const) {
      expect(reduce(stateIn('IN_PROGRESS', severity), COMMANDS.SPECIAL_REPORT, ctx())).toEqual({
        refused: { code: 'NOT_HOT_OR_MAJOR', message: `a special report is for hot or major complaints; this one is ${severity}` },
      });
    }
  });

  it('meets the REPORT deadline with the report', () => {
    const s = { ...stateIn('IN_PROGRESS', 'MAJOR'), deadlines: [{ kind: 'REPORT' as const, round: 1, anchorAt: NOW - HOUR, dueAt: NOW + HOUR, metAt: null, breachedAt: null }] };
    const r = applied(reduce(deepFreeze(s), COMMANDS.SPECIAL_REPORT, ctx()));
    expect(r.events.map((e) => e.type)).toEqual(['SPECIAL_REPORT', 'DEADLINE_MET']);
    expect(r.effects).toContainEqual({ type: 'REARM_TIMER' });
  });
});

describe('deadlines met late, breached, withdrawn', () => {
  const withDeadline = (status: ComplaintStatus, kind: DeadlineKind, dueAt: number): ComplaintState =>
    deepFreeze({ ...stateIn(status), deadlines: [{ kind, round: 1, anchorAt: NOW - 2 * HOUR, dueAt, metAt: null, breachedAt: null }] });

  it('meets a deadline after its due time as a breach and a late meet, in that order', () => {
    const r = applied(reduce(withDeadline('DISPATCHED', 'ACKNOWLEDGE', NOW - HOUR), COMMANDS.ACKNOWLEDGE, ctx()));
    expect(r.events.slice(0, 3)).toEqual([
      { seq: 11, at: NOW, type: 'ACKNOWLEDGED', actor: HANDLER, data: {} },
      {
        seq: 12, at: NOW, type: 'DEADLINE_BREACHED', actor: 'system',
        data: { kind: 'ACKNOWLEDGE', round: 1, dueAt: new Date(NOW - HOUR).toISOString(), notify: 'BRANCH_MANAGER', task: 'CHASE_ASSIGNEE' },
      },
      { seq: 13, at: NOW, type: 'DEADLINE_MET', actor: HANDLER, data: { kind: 'ACKNOWLEDGE', round: 1, dueAt: new Date(NOW - HOUR).toISOString(), late: true } },
    ]);
    expect(r.state.deadlines[0]).toMatchObject({ breachedAt: NOW, metAt: NOW });
  });

  it('meets a deadline due exactly now on time', () => {
    const r = applied(reduce(withDeadline('DISPATCHED', 'ACKNOWLEDGE', NOW), COMMANDS.ACKNOWLEDGE, ctx()));
    expect(r.events[1]).toMatchObject({ type: 'DEADLINE_MET', data: { late: false } });
  });

  it('breaches what is due when the timer fires, telling the assignee of their own deadlines', () => {
    const s = deepFreeze({
      ...stateIn('DISPATCHED'),
      deadlines: [
        { kind: 'FOLLOW_UP_1' as const, round: 1, anchorAt: NOW - 2 * HOUR, dueAt: NOW, metAt: null, breachedAt: null },
        { kind: 'FOLLOW_UP_2' as const, round: 1, anchorAt: NOW - 2 * HOUR, dueAt: NOW + 1, metAt: null, breachedAt: null },
      ],
    });
    const r = applied(reduce(s, COMMANDS.TIMER_FIRED, ctx()));
    expect(r.events).toEqual([{
      seq: 11, at: NOW, type: 'DEADLINE_BREACHED', actor: 'system',
      data: { kind: 'FOLLOW_UP_1', round: 1, dueAt: new Date(NOW).toISOString(), notify: 'ASSIGNEE', notifyUserId: HANDLER, task: 'FOLLOW_UP' },
    }]);
    expect(r.effects).toEqual([{ type: 'PERSIST', step: 'DEADLINE_TIMER' }]);
    expect(s.deadlines[0].breachedAt).toBeNull();
  });

  it('breaches nothing after a withdrawal, however overdue', () => {
    const withdrawn = applied(reduce(withDeadline('IN_PROGRESS', 'RESOLUTION', NOW + HOUR), COMMANDS.WITHDRAW, ctx()));
    expect(withdrawn.events.map((e) => e.type)).toEqual(['WITHDRAWN']);
    expect(withdrawn.state).toMatchObject({ status: 'WITHDRAWN', closedAt: NOW });
    expect(withdrawn.effects).toEqual([{ type: 'PERSIST', step: 'WITHDRAW' }, { type: 'REARM_TIMER' }]);
    const later = reduce(withdrawn.state, COMMANDS.TIMER_FIRED, ctx({ now: NOW + 2 * HOUR }));
    expect(later).toMatchObject({ refused: { code: 'COMPLAINT_ENDED' } });
  });
});

describe('calendar change', () => {
  const businessDay: DeadlineRule = { after: 'P1D', businessTime: true };
  const p = policy({ deadlines: { RESOLUTION: businessDay, ACKNOWLEDGE: businessDay } });
  const due = (rule: DeadlineRule, anchor: number): number => rule.businessTime ? sh('2026-03-11T10:00') : anchor + 30 * 24 * HOUR;
  const s = deepFreeze({
    ...stateIn('IN_PROGRESS'),
    deadlines: [
      { kind: 'RESOLUTION' as const, round: 1, anchorAt: NOW, dueAt: due(businessDay, NOW), metAt: null, breachedAt: null },
      { kind: 'ACKNOWLEDGE' as const, round: 1, anchorAt: NOW, dueAt: due(businessDay, NOW), metAt: NOW, breachedAt: null },
      { kind: 'WHOLE_PROCESS' as const, round: 1, anchorAt: NOW, dueAt: due(FAR, NOW), metAt: null, breachedAt: null },
    ],
  });

  it('moves the open deadlines to the new calendar and leaves met ones and unaffected ones alone', () => {
    const calendar = { ...WEEKDAYS, holidays: ['2026-03-11'] };
    const r = applied(reduce(s, { type: 'CALENDAR_CHANGED', calendar, changedBy: DISPATCHER }, ctx({ policy: p })));
    expect(r.state.calendar).toEqual(calendar);
    expect(r.events).toEqual([{
      seq: 11, at: NOW, type: 'CALENDAR_CHANGED', actor: DISPATCHER,
      data: { rescheduled: [{ kind: 'RESOLUTION', round: 1, from: new Date(sh('2026-03-11T10:00')).toISOString(), to: new Date(sh('2026-03-12T10:00')).toISOString() }] },
    }]);
    expect(r.state.deadlines.map((d) => d.dueAt)).toEqual([sh('2026-03-12T10:00'), s.deadlines[1].dueAt, s.deadlines[2].dueAt]);
    expect(r.effects).toEqual([{ type: 'PERSIST', step: 'CALENDAR_CHANGED' }, { type: 'REARM_TIMER' }]);
  });

  it('keeps the due time of a deadline the new calendar cannot compute, and says why', () => {
    const noWork = { ...WEEKDAYS, workingHours: [] };
    const r = applied(reduce(s, { type: 'CALENDAR_CHANGED', calendar: noWork, changedBy: DISPATCHER }, ctx({ policy: p })));
    expect(r.events.map((e) => e.type)).toEqual(['CALENDAR_CHANGED', 'DEADLINE_UNCOMPUTABLE']);
    expect(r.events[0].data).toEqual({ rescheduled: [] });
    expect(r.events[1]).toMatchObject({
      actor: 'system', data: { kind: 'RESOLUTION', round: 1, reason: expect.any(String), message: expect.any(String), keptDueAt: new Date(s.deadlines[0].dueAt).toISOString() },
    });
    expect(r.state.deadlines.map((d) => d.dueAt)).toEqual(s.deadlines.map((d) => d.dueAt));
  });

  it('is applied before registration too, without a write of its own (intake writes it)', () => {
    const unregistered = { ...s, reference: null };
    const r = applied(reduce(unregistered, COMMANDS.CALENDAR_CHANGED, ctx({ policy: p })));
    expect(r.effects).toEqual([{ type: 'REARM_TIMER' }]);
  });
});

describe('what the shell hands in', () => {
  it('asks for the uncomputable-deadline decision only when it computes a due time', () => {
    const patches = {};
    expect(reduce(stateIn('RECEIVED'), COMMANDS.DISPATCH, ctx({ patches }))).toEqual({ undecided: 'uncomputableDeadlineFallsBack' });
    // No due time to compute: no question.
    expect(applied(reduce(stateIn('DISPATCHED'), COMMANDS.FOLLOW_UP, ctx({ patches }))).events.map((e) => e.type)).toEqual(['FOLLOW_UP']);
    expect(applied(reduce(stateIn('IN_PROGRESS'), COMMANDS.CALENDAR_CHANGED, ctx({ patches }))).events.map((e) => e.type)).toEqual(['CALENDAR_CHANGED']);
  });

  it('falls back (and records it) only when the decision says so; else the maths fails as it always did', () => {
    const impossible = policy({ deadlines: { ACKNOWLEDGE: { after: 'PT1H', businessTime: true } } });
    const noWork = { ...stateIn('RECEIVED'), calendar: { ...WEEKDAYS, workingHours: [] } };
    const r = applied(reduce(noWork, COMMANDS.DISPATCH, ctx({ policy: impossible })));
    const uncomputable = r.events.find((e) => e.type === 'DEADLINE_UNCOMPUTABLE');
    expect(uncomputable).toMatchObject({ actor: 'system', data: { kind: 'ACKNOWLEDGE', round: 1, reason: 'INVALID_CALENDAR', fallbackDueAt: expect.any(String) } });
    expect(open(r.state, 'ACKNOWLEDGE')?.dueAt).toBe(Date.parse(uncomputable?.data.fallbackDueAt as string));
    expect(() => reduce(noWork, COMMANDS.DISPATCH, ctx({ policy: impossible, patches: { uncomputableDeadlineFallsBack: false } }))).toThrow();
  });

  it('tags the events of an action applied under a retry key', () => {
    const r = applied(reduce(stateIn('RECEIVED'), COMMANDS.DISPATCH, ctx({ retryKey: 'action-abc' })));
    for (const e of r.events) expect(e.data.retryKey).toBe('action-abc');
    expect(r.events[0].data).toEqual({ assigneeId: HANDLER, note: null, retryKey: 'action-abc' });
  });

  it('records a write that failed for good only once the complaint has a row', () => {
    const failed = applied(reduce(stateIn('DISPATCHED'), COMMANDS.WRITE_FAILED, ctx()));
    expect(failed.events).toEqual([{ seq: 11, at: NOW, type: 'PROJECTION_FAILED', actor: 'system', data: { step: 'DISPATCH', failureType: 'DATA_REJECTED', failure: 'value too long' } }]);
    expect(failed.effects).toEqual([{ type: 'RECORD_FAILURE' }]);
    const unregistered = applied(reduce(initialComplaintState(intake(), policy(), WEEKDAYS), COMMANDS.WRITE_FAILED, ctx()));
    expect(unregistered.events).toEqual([]);
    expect(unregistered.state.seq).toBe(0);
  });

  it('re-dispatch keeps a decided validity decided', () => {
    const s = { ...stateIn('IN_PROGRESS'), validity: 'VALID' as const };
    const r = applied(reduce(s, COMMANDS.DISPATCH, ctx()));
    // The new VALIDITY clock is met at once.
    expect(r.events.map((e) => `${e.type}${e.data.kind ? `:${String(e.data.kind)}` : ''}`)).toEqual([
      'REDISPATCHED', 'DEADLINE_SET:ACKNOWLEDGE', 'DEADLINE_SET:VALIDITY', 'DEADLINE_SET:FOLLOW_UP_1', 'DEADLINE_SET:FOLLOW_UP_2', 'DEADLINE_MET:VALIDITY',
    ]);
  });
});

describe('merge and hand-over', () => {
  const registered = (): ComplaintState => run(initialComplaintState(intake(), policy(), WEEKDAYS), [
    [{ type: 'RECEIVE', intake: intake() }], [{ type: 'REGISTERED', reference: 'SH01-2026-000001' }],
  ]).state;

  it('merging closes every unmet deadline (breached ones too) without meeting it, and says where it went', () => {
    const dispatched = run(registered(), [[COMMANDS.DISPATCH]]).state;
    const breached = { ...dispatched, deadlines: dispatched.deadlines.map((d) => (d.kind === 'ACKNOWLEDGE' ? { ...d, breachedAt: NOW } : d)) };
    const a = applied(reduce(deepFreeze(breached), COMMANDS.MERGE, ctx({ now: NOW + HOUR, retryKey: 'action-k1' })));
    expect(a.state.status).toBe('MERGED');
    expect(a.state.mergedIntoId).toBe('complaint-2');
    expect(a.state.closedAt).toBe(NOW + HOUR);
    const unmet = a.state.deadlines.filter((d) => d.metAt === null);
    expect(unmet.map((d) => d.kind)).toEqual(expect.arrayContaining(['ACKNOWLEDGE', 'RESOLUTION']));
    expect(unmet.every((d) => d.cancelledAt === NOW + HOUR)).toBe(true);
    // What was met stays met (FORWARD, by the dispatch).
    expect(a.state.deadlines.filter((d) => d.metAt !== null).map((d) => [d.kind, d.cancelledAt ?? null])).toEqual([['FORWARD', null]]);
    expect(a.state.deadlines.filter(isOpenDeadline)).toEqual([]);
    expect(a.events).toEqual([{
      seq: breached.seq + 1, at: NOW + HOUR, type: 'MERGED_INTO', actor: DISPATCHER,
      data: {
        intoId: 'complaint-2', intoReference: 'SH01-2026-000002', reason: 'same leak', retryKey: 'action-k1',
        closedDeadlines: breached.deadlines.filter((d) => d.metAt === null).map((d) => d.kind),
      },
    }]);
    expect(a.effects).toEqual([{ type: 'PERSIST', step: 'MERGE' }, { type: 'REARM_TIMER' }]);
    // Nothing breaches afterwards, and nothing is met late.
    expect(reduce(a.state, { type: 'TIMER_FIRED' }, ctx({ now: NOW + 1000 * HOUR }))).toEqual({ refused: { code: 'COMPLAINT_ENDED', message: expect.any(String) } });
  });

  it('records each merged complaint once on the survivor, and refuses merging the survivor back into it', () => {
    const once = applied(reduce(registered(), COMMANDS.MERGE_RECEIVED, ctx()));
    expect(once.state.mergedFrom).toEqual(['complaint-3']);
    expect(once.events.map((e) => [e.type, e.data])).toEqual([['MERGE_RECEIVED', { fromId: 'complaint-3', fromReference: 'SH01-2026-000003', reason: 'same leak' }]]);
    expect(reduce(once.state, COMMANDS.MERGE_RECEIVED, ctx())).toEqual({ refused: { code: 'MERGE_ALREADY_RECORDED', message: expect.any(String) } });
    const back = { type: 'MERGE', args: { actorId: DISPATCHER, intoId: 'complaint-3', intoReference: 'SH01-2026-000003', reason: 'x' } } as const;
    expect(reduce(once.state, back, ctx())).toEqual({ refused: { code: 'MERGE_CYCLE', message: expect.any(String) } });
    expect(reduce({ ...registered(), reference: null }, COMMANDS.MERGE_RECEIVED, ctx())).toEqual({ refused: { code: 'NOT_REGISTERED', message: expect.any(String) } });
  });

  it('hands over from the first-contact owner, then from whoever has it now, never to the same person', () => {
    const first = applied(reduce(registered(), COMMANDS.HAND_OVER, ctx()));
    expect(first.state.ownerId).toBe('handler-2');
    expect(first.events.map((e) => [e.type, e.actor, e.data])).toEqual([['HANDED_OVER', DISPATCHER, { fromUserId: DISPATCHER, toUserId: 'handler-2', note: 'off shift tomorrow' }]]);
    const onward = { type: 'HAND_OVER', args: { actorId: 'handler-2', toUserId: 'manager-1', note: 'needs the manager' }, firstContactOwnerId: DISPATCHER } as const;
    const second = applied(reduce(first.state, onward, ctx()));
    expect(second.events[0].data).toMatchObject({ fromUserId: 'handler-2', toUserId: 'manager-1' });
    expect(second.state.ownerId).toBe('manager-1');
    expect(reduce(second.state, { ...onward, args: { ...onward.args, toUserId: 'manager-1' } }, ctx())).toEqual({ refused: { code: 'ALREADY_OWNER', message: expect.any(String) } });
    // A hand-over moves no clock.
    expect(first.effects).toEqual([{ type: 'PERSIST', step: 'HAND_OVER' }]);
    expect(reduce(registered(), { ...COMMANDS.HAND_OVER, args: { actorId: DISPATCHER, toUserId: DISPATCHER, note: 'me' } } as ComplaintCommand, ctx()))
      .toEqual({ refused: { code: 'ALREADY_OWNER', message: expect.any(String) } });
  });
});

describe('messages to the customer and the customer\'s answer', () => {
  const result = (messageId: string, status: 'DELIVERED' | 'FAILED', meets: DeadlineKind[]): ComplaintCommand => ({
    type: 'CUSTOMER_MESSAGE_RESULT',
    result: { messageId, kind: 'PROGRESS', channel: 'SMS', status, meets, reason: status === 'FAILED' ? 'isv.MOBILE_NUMBER_ILLEGAL' : null },
  });
  const waiting = (kind: DeadlineKind): ComplaintState =>
    deepFreeze({ ...stateIn('IN_PROGRESS'), deadlines: [{ kind, round: 1, anchorAt: NOW - HOUR, dueAt: NOW + HOUR, metAt: null, breachedAt: null }] });

  it('a delivered message meets the deadlines it meets; the same message reported again changes nothing', () => {
    const r = applied(reduce(waiting('CUSTOMER_REPLY'), result('m-1', 'DELIVERED', ['CUSTOMER_REPLY', 'PROGRESS_REPLY']), ctx()));
    expect(r.events.map((e) => e.type)).toEqual(['CUSTOMER_MESSAGE_DELIVERED', 'DEADLINE_MET']);
    expect(r.state.deadlines[0].metAt).toBe(NOW);
    expect(reduce(r.state, result('m-1', 'DELIVERED', ['CUSTOMER_REPLY']), ctx())).toEqual({ refused: { code: 'ALREADY_RECORDED', message: expect.any(String) } });
  });

  it('a failed message meets nothing and tells the timeline why; a message never meets any other deadline', () => {
    const failed = applied(reduce(waiting('CUSTOMER_REPLY'), result('m-2', 'FAILED', ['CUSTOMER_REPLY']), ctx()));
    expect(failed.events).toEqual([{
      seq: 11, at: NOW, type: 'CUSTOMER_MESSAGE_FAILED', actor: 'system',
      data: { messageId: 'm-2', kind: 'PROGRESS', channel: 'SMS', status: 'FAILED', reason: 'isv.MOBILE_NUMBER_ILLEGAL' },
    }]);
    expect(failed.state.deadlines[0].metAt).toBeNull();
    const resolution = applied(reduce(waiting('RESOLUTION'), result('m-3', 'DELIVERED', ['RESOLUTION' as DeadlineKind]), ctx()));
    expect(resolution.state.deadlines[0].metAt).toBeNull();
  });

  it('records the customer\'s confirmation or dispute once, only while the callback is awaited', () => {
    const disputed: ComplaintCommand = { type: 'CUSTOMER_RESPONDED', response: { response: 'DISPUTED', comment: '还在漏', requestId: 'r-9' } };
    const r = applied(reduce(deepFreeze(stateIn('CALLBACK_PENDING')), disputed, ctx()));
    expect(r.events).toEqual([{ seq: 11, at: NOW, type: 'CUSTOMER_DISPUTED', actor: 'customer', data: { comment: '还在漏' } }]);
    expect(reduce(r.state, disputed, ctx())).toEqual({ refused: { code: 'ALREADY_RECORDED', message: expect.any(String) } });
    expect(reduce(deepFreeze(stateIn('IN_PROGRESS')), disputed, ctx())).toEqual({ refused: { code: 'NOT_AWAITING_CALLBACK', message: expect.any(String) } });
  });
});
