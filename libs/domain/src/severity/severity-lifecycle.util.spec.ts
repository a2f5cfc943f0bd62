import type { BranchCalendar } from '../calendar/calendar.types';
import { DEADLINE_KINDS, DeadlineKind, Severity } from '../enums';
import { Applied, ComplaintCommand, LifecycleContext, ReduceResult, initialComplaintState, reduce } from '../lifecycle/complaint.reducer';
import type { ComplaintState, IntakeFacts, TimelineEventRecord } from '../lifecycle/complaint.types';
import { presetPolicy, validatePolicy, validatePolicyOverrides } from '../policy/policy.util';
import type { DeadlineRule, Policy, PolicyPresetName, SeverityThresholds } from '../policy/policy.types';
import { nextTimedRuleAt, pendingTimedRules } from './severity-rules.util';

// Severity that follows the facts, through the lifecycle reducer: each rule, fired once, upward only,
// named on the timeline; staff may set any level with a reason.

const sh = (local: string): number => Date.parse(`${local}:00+08:00`);
const RECEIVED_AT = sh('2026-03-02T10:00');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const DISPATCHER = 'dispatcher-1';
const CAL: BranchCalendar = {
  timezone: 'Asia/Shanghai',
  workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
  holidays: [],
  makeUpWorkdays: [],
};
const FAR: DeadlineRule = { after: 'P300D', businessTime: false };

function policy(preset: PolicyPresetName, severity: Partial<SeverityThresholds> = {}): Policy {
  const base = presetPolicy(preset);
  const deadlines = Object.fromEntries(DEADLINE_KINDS.map((k) => [k, FAR])) as Record<DeadlineKind, DeadlineRule>;
  return { ...base, deadlines, severity: { ...base.severity, ...severity } };
}

const intakeOf = (over: Partial<IntakeFacts> = {}): IntakeFacts => ({
  channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT', householdsAffected: 1, lossAmountYuan: null, injury: false,
  mediaExposure: false, litigation: false, emergency: false, receivedAt: RECEIVED_AT, firstContactOwnerId: DISPATCHER, ...over,
});

interface World { state: ComplaintState; policy: Policy; intake: IntakeFacts; events: TimelineEventRecord[] }

function world(preset: PolicyPresetName, over: Partial<IntakeFacts> = {}, severity: Partial<SeverityThresholds> = {}): World {
  const p = policy(preset, severity);
  const intake = intakeOf(over);
  const w: World = { state: initialComplaintState(intake, p, CAL), policy: p, intake, events: [] };
  step(w, { type: 'RECEIVE', intake }, RECEIVED_AT);
  step(w, { type: 'REGISTERED', reference: 'SH01-2026-000001' }, RECEIVED_AT);
  return w;
}

function ctx(w: World, now: number, patches: LifecycleContext['patches'] = { uncomputableDeadlineFallsBack: true, severityFollowsFacts: true }): LifecycleContext {
  return { now, policy: w.policy, complaintKind: 'COMPLAINT', intake: w.intake, patches };
}

function applied(r: ReduceResult): Applied {
  if ('refused' in r) throw new Error(`refused: ${r.refused.code} ${r.refused.message}`);
  if ('undecided' in r) throw new Error(`undecided: ${r.undecided}`);
  return r;
}

function step(w: World, command: ComplaintCommand, now: number): Applied {
  const r = applied(reduce(w.state, command, ctx(w, now)));
  w.state = r.state;
  w.events.push(...r.events);
  return r;
}

const changes = (events: TimelineEventRecord[]): Record<string, unknown>[] =>
  events.filter((e) => e.type === 'SEVERITY_CHANGED').map((e) => ({ actor: e.actor, ...e.data }));
const responsible = (w: World, at: number): Applied => step(w, {
  type: 'DETERMINE_VALIDITY', args: { actorId: DISPATCHER, validity: 'VALID', responsibility: 'RESPONSIBLE', reason: 'our pump' },
}, at);

describe('time-based rules (vanke-sh: unresolved through our fault 1 week → HOT, 1 month → MAJOR)', () => {
  it('fires each rule once when the timer reaches it, naming the rule', () => {
    const w = world('vanke-sh');
    const r = responsible(w, RECEIVED_AT + HOUR);
    // The timer now also waits for the rule: the shell must re-arm it.
    expect(r.effects).toContainEqual({ type: 'REARM_TIMER' });
    expect(nextTimedRuleAt({ ...w.state, receivedAt: RECEIVED_AT, facilityOutage: null, firedRules: [] }, w.policy.severity)).toBe(RECEIVED_AT + 7 * DAY);

    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 7 * DAY - 1);
    expect(w.state.severity).toBe('GENERAL');
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 7 * DAY);
    expect(w.state.severity).toBe('HOT');
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 8 * DAY);
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 30 * DAY);
    expect(w.state.severity).toBe('MAJOR');
    expect(changes(w.events)).toEqual([
      expect.objectContaining({ actor: 'system', from: 'GENERAL', to: 'HOT', rule: 'unresolvedHotAfter', window: 'P7D' }),
      expect.objectContaining({ actor: 'system', from: 'HOT', to: 'MAJOR', rule: 'unresolvedMajorAfter', window: 'P30D' }),
    ]);
    // Becoming HOT starts the special report's clock.
    expect(w.state.deadlines.filter((d) => d.kind === 'REPORT')).toHaveLength(1);
    expect(w.state.firedRules).toEqual(['unresolvedHotAfter', 'unresolvedMajorAfter']);
  });

  it('fires both at once when responsibility is decided after a month', () => {
    const w = world('vanke-sh');
    responsible(w, RECEIVED_AT + 31 * DAY);
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 31 * DAY);
    expect(w.state.severity).toBe('MAJOR');
    expect(changes(w.events).map((c) => c.rule)).toEqual(['unresolvedHotAfter', 'unresolvedMajorAfter']);
  });

  it('does not fire for a complaint not our fault, nor once the round is resolved', () => {
    const notOurs = world('vanke-sh');
    step(notOurs, { type: 'DETERMINE_VALIDITY', args: { actorId: DISPATCHER, validity: 'VALID', responsibility: 'ASSIST', reason: 'developer' } }, RECEIVED_AT);
    step(notOurs, { type: 'TIMER_FIRED' }, RECEIVED_AT + 40 * DAY);
    expect(notOurs.state.severity).toBe('GENERAL');

    const resolved = world('vanke-sh');
    responsible(resolved, RECEIVED_AT);
    step(resolved, { type: 'DISPATCH', args: { actorId: DISPATCHER, assigneeId: 'h', note: null } }, RECEIVED_AT + HOUR);
    step(resolved, { type: 'ACKNOWLEDGE', args: { actorId: 'h' } }, RECEIVED_AT + 2 * HOUR);
    step(resolved, { type: 'RESOLVE', args: { actorId: 'h', resolution: 'fixed', customerSigned: true } }, RECEIVED_AT + 3 * HOUR);
    expect(pendingTimedRules({ ...resolved.state, receivedAt: RECEIVED_AT, facilityOutage: null, firedRules: [] }, resolved.policy.severity)).toEqual([]);
    step(resolved, { type: 'TIMER_FIRED' }, RECEIVED_AT + 40 * DAY);
    expect(resolved.state.severity).toBe('GENERAL');
  });

  it('pm-branch: a responsible complaint unresolved in 1 month → MAJOR (no HOT level)', () => {
    const w = world('pm-branch');
    responsible(w, RECEIVED_AT);
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 7 * DAY);
    expect(w.state.severity).toBe('GENERAL');
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 30 * DAY);
    expect(changes(w.events)).toEqual([expect.objectContaining({ from: 'GENERAL', to: 'MAJOR', rule: 'unresolvedMajorAfter' })]);
  });

  it('asks the shell for its patch decision only when a rule is due, and does nothing when the decision is no (old histories)', () => {
    const w = world('vanke-sh');
    responsible(w, RECEIVED_AT);
    const early = reduce(w.state, { type: 'TIMER_FIRED' }, ctx(w, RECEIVED_AT + DAY, { uncomputableDeadlineFallsBack: true }));
    expect('undecided' in early).toBe(false);
    const due = reduce(w.state, { type: 'TIMER_FIRED' }, ctx(w, RECEIVED_AT + 8 * DAY, { uncomputableDeadlineFallsBack: true }));
    expect(due).toEqual({ undecided: 'severityFollowsFacts' });
    const old = applied(reduce(w.state, { type: 'TIMER_FIRED' }, ctx(w, RECEIVED_AT + 8 * DAY, { uncomputableDeadlineFallsBack: true, severityFollowsFacts: false })));
    expect(old.state.severity).toBe('GENERAL');
    expect(old.events.filter((e) => e.type === 'SEVERITY_CHANGED')).toEqual([]);
  });

  it('a rule never lowers a level staff set higher', () => {
    const w = world('vanke-sh');
    step(w, { type: 'RECLASSIFY', args: { actorId: DISPATCHER, category: null, severity: 'MAJOR', reason: 'press called' } }, RECEIVED_AT);
    responsible(w, RECEIVED_AT);
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 8 * DAY);
    expect(w.state.severity).toBe('MAJOR');
    expect(changes(w.events)).toHaveLength(1);
  });
});

describe('facility outage (training: not restored within 48 h → MAJOR)', () => {
  const outage = { facilityOutage: { kind: 'ELEVATOR' as const, since: RECEIVED_AT - HOUR } };

  it('upgrades when the window passes unrestored', () => {
    const w = world('training', outage);
    expect(w.state.facilityOutage).toEqual({ kind: 'ELEVATOR', since: RECEIVED_AT - HOUR, restoredAt: null });
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 46 * HOUR);
    expect(w.state.severity).toBe('GENERAL');
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 47 * HOUR);
    expect(w.state.severity).toBe('MAJOR');
    expect(changes(w.events)).toEqual([expect.objectContaining({ from: 'GENERAL', to: 'MAJOR', rule: 'facilityOutage', window: 'PT48H' })]);
    // Fired once: a later restoration records the restoration only.
    const r = step(w, { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt: RECEIVED_AT + 50 * HOUR } }, RECEIVED_AT + 50 * HOUR);
    expect(r.events.map((e) => e.type)).toEqual(['FACILITY_RESTORED']);
  });

  it('does not upgrade once restored in time; the timer stops waiting for it', () => {
    const w = world('training', outage);
    const r = step(w, { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt: RECEIVED_AT + 5 * HOUR } }, RECEIVED_AT + 6 * HOUR);
    expect(r.events.map((e) => [e.type, e.actor])).toEqual([['FACILITY_RESTORED', DISPATCHER]]);
    expect(r.effects).toContainEqual({ type: 'REARM_TIMER' });
    step(w, { type: 'TIMER_FIRED' }, RECEIVED_AT + 60 * HOUR);
    expect(w.state.severity).toBe('GENERAL');
  });

  it('restored after the window but before the timer ran: the rule fires on the restoration', () => {
    const w = world('training', outage);
    step(w, { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt: RECEIVED_AT + 48 * HOUR } }, RECEIVED_AT + 48 * HOUR);
    expect(changes(w.events)).toEqual([expect.objectContaining({ to: 'MAJOR', rule: 'facilityOutage' })]);
  });

  it('refuses a restoration without an outage, twice, before the outage or in the future', () => {
    const none = world('training');
    expect(reduce(none.state, { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt: RECEIVED_AT } }, ctx(none, RECEIVED_AT)))
      .toEqual({ refused: { code: 'FACILITY_NOT_DOWN', message: expect.any(String) } });
    const w = world('training', outage);
    for (const restoredAt of [RECEIVED_AT - 2 * HOUR, RECEIVED_AT + DAY]) {
      expect(reduce(w.state, { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt } }, ctx(w, RECEIVED_AT)))
        .toEqual({ refused: { code: 'INVALID_RESTORATION', message: expect.any(String) } });
    }
    step(w, { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt: RECEIVED_AT } }, RECEIVED_AT);
    expect(reduce(w.state, { type: 'RECORD_FACILITY_RESTORED', args: { actorId: DISPATCHER, restoredAt: RECEIVED_AT } }, ctx(w, RECEIVED_AT)))
      .toEqual({ refused: { code: 'FACILITY_NOT_DOWN', message: expect.any(String) } });
  });

  it('has no timer where the preset has no such rule', () => {
    const w = world('vanke-sh', outage);
    expect(nextTimedRuleAt({ ...w.state, receivedAt: RECEIVED_AT, facilityOutage: w.state.facilityOutage ?? null, firedRules: [] }, w.policy.severity)).toBeNull();
  });
});

describe('facts updated by staff', () => {
  it('records what changed and why, and raises the level the facts now call for', () => {
    const w = world('pm-branch');
    const r = step(w, { type: 'UPDATE_FACTS', args: { actorId: DISPATCHER, facts: { householdsAffected: 6, injury: false }, reason: 'neighbours joined' } }, RECEIVED_AT + HOUR);
    expect(r.events[0]).toMatchObject({ type: 'FACTS_UPDATED', actor: DISPATCHER, data: { changed: { householdsAffected: { from: 1, to: 6 } }, reason: 'neighbours joined' } });
    expect(changes(r.events)).toEqual([expect.objectContaining({ from: 'GENERAL', to: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=5' })]);
    expect(w.state.facts?.householdsAffected).toBe(6);
  });

  it('never lowers the level when a fact goes away', () => {
    const w = world('pm-branch', { injury: true });
    expect(w.state.severity).toBe('MAJOR');
    const r = step(w, { type: 'UPDATE_FACTS', args: { actorId: DISPATCHER, facts: { injury: false }, reason: 'no injury after all' } }, RECEIVED_AT + HOUR);
    expect(r.events.map((e) => e.type)).toEqual(['FACTS_UPDATED']);
    expect(w.state.severity).toBe('MAJOR');
  });

  it('refuses an update that changes nothing', () => {
    const w = world('pm-branch');
    expect(reduce(w.state, { type: 'UPDATE_FACTS', args: { actorId: DISPATCHER, facts: { householdsAffected: 1 }, reason: 'x' } }, ctx(w, RECEIVED_AT)))
      .toEqual({ refused: { code: 'NOTHING_TO_CHANGE', message: expect.any(String) } });
  });

  it('reads the facts from intake for a state carried over from before the rules', () => {
    const w = world('training');
    const { facts: _facts, ...old } = w.state;
    w.state = old;
    step(w, { type: 'UPDATE_FACTS', args: { actorId: DISPATCHER, facts: { lossAmountYuan: 800 }, reason: 'receipt' } }, RECEIVED_AT);
    expect(w.state.severity).toBe('MAJOR');
    expect(w.state.facts).toMatchObject({ householdsAffected: 1, lossAmountYuan: 800 });
  });
});

describe('reclassify by staff', () => {
  it('sets any level (a lower one too) and the category, naming the person and the reason', () => {
    const w = world('pm-branch', { householdsAffected: 8 });
    expect(w.state.severity).toBe('MAJOR');
    const r = step(w, { type: 'RECLASSIFY', args: { actorId: DISPATCHER, category: 'CONSTRUCTION_QUALITY', severity: 'GENERAL', reason: 'one building only' } }, RECEIVED_AT);
    expect(r.events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ['CATEGORY_CHANGED', DISPATCHER, { from: 'PROPERTY_MANAGEMENT', to: 'CONSTRUCTION_QUALITY', reason: 'one building only' }],
      ['SEVERITY_CHANGED', DISPATCHER, { from: 'MAJOR', to: 'GENERAL', rule: null, reason: 'one building only', by: 'STAFF' }],
    ]);
    expect(w.state).toMatchObject({ severity: 'GENERAL', category: 'CONSTRUCTION_QUALITY' });
  });

  it('refuses a reclassification that changes nothing', () => {
    const w = world('pm-branch');
    expect(reduce(w.state, { type: 'RECLASSIFY', args: { actorId: DISPATCHER, category: 'PROPERTY_MANAGEMENT', severity: 'GENERAL', reason: 'x' } }, ctx(w, RECEIVED_AT)))
      .toEqual({ refused: { code: 'NOTHING_TO_CHANGE', message: expect.any(String) } });
  });
});

describe('a matter\'s rule (signal)', () => {
  const rule = (severity: Severity, name = 'collectiveHouseholdsMajor', matterId = 'm-1'): ComplaintCommand =>
    ({ type: 'SEVERITY_RULE', severity, rule: name, matterId, firedAt: RECEIVED_AT + HOUR });

  it('upgrades once per rule and matter, naming both', () => {
    const w = world('pm-branch');
    const first = step(w, rule('MAJOR'), RECEIVED_AT + 2 * HOUR);
    expect(changes(first.events)).toEqual([expect.objectContaining({ from: 'GENERAL', to: 'MAJOR', rule: 'matter:collectiveHouseholdsMajor', matterId: 'm-1' })]);
    expect(first.effects).toContainEqual({ type: 'PERSIST', step: 'SEVERITY_RULE' });
    const again = step(w, rule('MAJOR'), RECEIVED_AT + 3 * HOUR);
    expect(again.events).toEqual([]);
    expect(again.effects.some((e) => e.type === 'PERSIST')).toBe(false);
  });

  it('never lowers the level (recorded, no event)', () => {
    const w = world('vanke-sh', { litigation: true });
    const r = step(w, rule('HOT', 'sameMatterComplainantsHot'), RECEIVED_AT);
    expect(r.events).toEqual([]);
    expect(w.state.severity).toBe('MAJOR');
    expect(w.state.firedRules).toContain('matter:m-1:sameMatterComplainantsHot');
  });

  it('is not applied before registration or after the end', () => {
    const p = policy('pm-branch');
    const unregistered = initialComplaintState(intakeOf(), p, CAL);
    expect(reduce(unregistered, rule('MAJOR'), { now: RECEIVED_AT, policy: p, complaintKind: 'COMPLAINT', patches: {} })).toEqual({ refused: { code: 'NOT_REGISTERED', message: expect.any(String) } });
  });
});

describe('reopened (vanke-sh: at least IMPORTANT)', () => {
  function reopen(preset: PolicyPresetName): World {
    const w = world(preset);
    step(w, { type: 'DISPATCH', args: { actorId: DISPATCHER, assigneeId: 'h', note: null } }, RECEIVED_AT + HOUR);
    step(w, { type: 'ACKNOWLEDGE', args: { actorId: 'h' } }, RECEIVED_AT + HOUR);
    step(w, { type: 'RESOLVE', args: { actorId: 'h', resolution: 'fixed', customerSigned: true } }, RECEIVED_AT + HOUR);
    step(w, { type: 'CALLBACK', args: { actorId: DISPATCHER, method: 'PHONE', satisfied: false, comment: 'still leaking' } }, RECEIVED_AT + 2 * HOUR);
    return w;
  }

  it('raises a general complaint to IMPORTANT on reopening, naming the rule', () => {
    expect(changes(reopen('vanke-sh').events)).toEqual([expect.objectContaining({ from: 'GENERAL', to: 'IMPORTANT', rule: 'reopenedImportant', round: 2 })]);
  });

  it('leaves other presets alone', () => {
    expect(reopen('pm-branch').state.severity).toBe('GENERAL');
  });
});

describe('policy: facilityOutageMajorAfter', () => {
  it('is 48 h in training and off elsewhere', () => {
    expect(presetPolicy('training').severity.facilityOutageMajorAfter).toBe('PT48H');
    expect(presetPolicy('vanke-sh').severity.facilityOutageMajorAfter).toBeNull();
    expect(presetPolicy('pm-branch').severity.facilityOutageMajorAfter).toBeNull();
    for (const name of ['training', 'vanke-sh', 'pm-branch'] as const) expect(validatePolicy(presetPolicy(name))).toEqual([]);
  });

  it('is validated like the other severity durations', () => {
    expect(validatePolicyOverrides({ severity: { facilityOutageMajorAfter: 'PT2S' } })).toEqual([]);
    expect(validatePolicyOverrides({ severity: { facilityOutageMajorAfter: null } })).toEqual([]);
    for (const bad of ['P1M', 'PT0S', 'P400D', 'soon', 48]) {
      expect(validatePolicyOverrides({ severity: { facilityOutageMajorAfter: bad } })).toEqual([
        { path: 'severity.facilityOutageMajorAfter', message: expect.any(String) },
      ]);
    }
  });
});
