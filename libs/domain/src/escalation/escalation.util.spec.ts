import type { ComplaintState } from '../lifecycle/complaint.types';
import type { EscalationPolicy } from '../policy/policy.types';
import { mergePolicy, presetPolicy, validatePolicy, validatePolicyOverrides } from '../policy/policy.util';
import { ackWindowMs, escalationTriggers, holdsEscalationLevel, PositionedGrant, triggerKey } from './escalation.util';

const RULE = { levels: [{ level: 'BRANCH_MANAGER' as const, ackWithin: 'PT15M' }, { level: 'HEAD_OFFICE' as const, ackWithin: 'PT1H' }], repeatLastEvery: 'PT2H' };
const POLICY: EscalationPolicy = { triggers: { EMERGENCY: RULE, MAJOR: RULE, 'DEADLINE_BREACHED:RESOLUTION': RULE } };

function state(patch: Partial<ComplaintState>): ComplaintState {
  return { ...({ severity: 'GENERAL', deadlines: [] } as unknown as ComplaintState), ...patch };
}

describe('escalationTriggers', () => {
  it('lists the emergency, the severity and each escalating breach, with its round', () => {
    const s = state({
      severity: 'MAJOR',
      deadlines: [
        { kind: 'RESOLUTION', round: 2, anchorAt: 0, dueAt: 1, metAt: null, breachedAt: 1 },
        { kind: 'CALLBACK', round: 1, anchorAt: 0, dueAt: 1, metAt: null, breachedAt: 1 },
        { kind: 'RESOLUTION', round: 3, anchorAt: 0, dueAt: 1, metAt: null, breachedAt: null },
      ],
    });
    expect(escalationTriggers(s, true, POLICY)).toEqual([
      { trigger: 'EMERGENCY', round: 1, reason: 'EMERGENCY' },
      { trigger: 'MAJOR', round: 1, reason: 'SEVERITY:MAJOR' },
      { trigger: 'DEADLINE_BREACHED:RESOLUTION', round: 2, reason: 'DEADLINE_BREACHED:RESOLUTION' },
    ]);
    expect(triggerKey({ trigger: 'DEADLINE_BREACHED:RESOLUTION', round: 2 })).toBe('DEADLINE_BREACHED:RESOLUTION/2');
  });

  it('raises nothing the policy does not list, and nothing without an escalation policy (older policies)', () => {
    expect(escalationTriggers(state({ severity: 'HOT' }), false, POLICY)).toEqual([]);
    expect(escalationTriggers(state({ severity: 'MAJOR' }), true, undefined)).toEqual([]);
  });

  it('reads the emergency from the corrected facts before the intake form', () => {
    const facts = { householdsAffected: 1, lossAmountYuan: null, injury: false, mediaExposure: false, litigation: false, emergency: false };
    expect(escalationTriggers(state({ facts }), true, POLICY)).toEqual([]);
    expect(escalationTriggers(state({ facts: { ...facts, emergency: true } }), false, POLICY)).toHaveLength(1);
  });
});

describe('ackWindowMs', () => {
  it('uses each level\'s window, and the repeat interval for a repeat of the last level', () => {
    expect(ackWindowMs(RULE, 0, false)).toBe(15 * 60_000);
    expect(ackWindowMs(RULE, 1, false)).toBe(3600_000);
    expect(ackWindowMs(RULE, 1, true)).toBe(2 * 3600_000);
  });
});

describe('holdsEscalationLevel', () => {
  const branch = { id: 'b1', companyId: 'c1' };
  const g = (role: PositionedGrant['role'], companyId: string | null, branchId: string | null, position: PositionedGrant['position'] = null): PositionedGrant =>
    ({ role, companyId, branchId, position });
  it('matches role, position and reach', () => {
    expect(holdsEscalationLevel([g('BRANCH_MANAGER', 'c1', 'b1')], branch, 'BRANCH_MANAGER')).toBe(true);
    expect(holdsEscalationLevel([g('BRANCH_MANAGER', 'c1', 'b2')], branch, 'BRANCH_MANAGER')).toBe(false);
    expect(holdsEscalationLevel([g('DISPATCHER', 'c1', 'b1')], branch, 'BRANCH_MANAGER')).toBe(false);
    expect(holdsEscalationLevel([g('COMPANY_MANAGER', 'c1', null, 'DEPUTY_GM')], branch, 'COMPANY_DEPUTY_GM')).toBe(true);
    expect(holdsEscalationLevel([g('COMPANY_MANAGER', 'c1', null, 'DEPUTY_GM')], branch, 'COMPANY_GM')).toBe(false);
    expect(holdsEscalationLevel([g('COMPANY_MANAGER', 'c2', null, 'GM')], branch, 'COMPANY_GM')).toBe(false);
    expect(holdsEscalationLevel([g('COMPANY_MANAGER', 'c1', null)], branch, 'COMPANY_GM')).toBe(false);
    expect(holdsEscalationLevel([g('HEAD_OFFICE', null, null)], branch, 'HEAD_OFFICE')).toBe(true);
  });
});

describe('the escalation section of the policy', () => {
  it('every preset has one, valid', () => {
    for (const name of ['pm-branch', 'vanke-sh', 'training'] as const) {
      const p = presetPolicy(name);
      expect(p.escalation?.triggers.EMERGENCY?.levels.map((l) => l.level)).toEqual(['BRANCH_MANAGER', 'COMPANY_DEPUTY_GM', 'COMPANY_GM', 'HEAD_OFFICE']);
      expect(p.escalation?.triggers.MAJOR?.progressReportEvery).toBe('P7D');
      expect(validatePolicy(p)).toEqual([]);
    }
  });

  it('a policy stored before escalations is still a complete document', () => {
    const { escalation: _none, ...old } = presetPolicy('pm-branch');
    expect(validatePolicy(old)).toEqual([]);
  });

  it('an override replaces a trigger\'s rule whole, null removes it, and the preset is not changed', () => {
    const base = presetPolicy('pm-branch');
    const merged = mergePolicy(base, { escalation: { triggers: { EMERGENCY: RULE, HOT: null } } });
    expect(merged.escalation?.triggers.EMERGENCY).toEqual(RULE);
    expect(merged.escalation?.triggers.HOT).toBeUndefined();
    expect(merged.escalation?.triggers.MAJOR).toEqual(base.escalation?.triggers.MAJOR);
    expect(presetPolicy('pm-branch').escalation?.triggers.HOT).toBeDefined();
  });

  it('names every bad field by its path', () => {
    const issues = validatePolicyOverrides({
      escalation: {
        colour: 'red',
        triggers: {
          SOMETIMES: RULE,
          'DEADLINE_BREACHED:NOPE': RULE,
          EMERGENCY: { levels: [{ level: 'HEAD_OFFICE', ackWithin: 'PT1H' }, { level: 'BRANCH_MANAGER', ackWithin: 'P1M' }], repeatLastEvery: 'P400D', extra: 1 },
          HOT: { levels: [], repeatLastEvery: 'PT0S' },
          MAJOR: { levels: [{ level: 'CEO', ackWithin: 'soon' }] },
        },
      },
    }).map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining([
      'escalation.colour', 'escalation.triggers.SOMETIMES', 'escalation.triggers.DEADLINE_BREACHED:NOPE',
      'escalation.triggers.EMERGENCY.repeatLastEvery', 'escalation.triggers.EMERGENCY.extra', 'escalation.triggers.EMERGENCY.levels.1.level',
      'escalation.triggers.EMERGENCY.levels.1.ackWithin', 'escalation.triggers.HOT.levels', 'escalation.triggers.HOT.repeatLastEvery',
      'escalation.triggers.MAJOR.repeatLastEvery', 'escalation.triggers.MAJOR.levels.0.level', 'escalation.triggers.MAJOR.levels.0.ackWithin',
    ]));
    expect(validatePolicyOverrides({ escalation: { triggers: { 'DEADLINE_BREACHED:CALLBACK': RULE, EMERGENCY: null } } }, presetPolicy('training'))).toEqual([]);
  });
});
