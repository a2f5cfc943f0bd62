import { DEADLINE_KINDS } from '../enums';
import { isPolicyDuration } from './policy-duration.util';
import { POLICY_PRESETS } from './policy.types';
import type { Policy } from './policy.types';
import {
  POLICY_PRESET_DOCUMENTS, POLICY_ROOT_PATH, isPolicyPreset, mergePolicy, policyCoherenceIssues, presetPolicy,
  reportsPolicyOf, resolvePolicy, validatePolicy, validatePolicyOverrides, workOrderPolicyOf,
} from './policy.util';

const paths = (issues: { path: string }[]): string[] => issues.map((i) => i.path);

describe('policy presets', () => {
  it.each(POLICY_PRESETS)('%s is a complete, valid policy document', (name) => {
    const doc = POLICY_PRESET_DOCUMENTS[name];
    expect(validatePolicy(doc)).toEqual([]);
    expect(doc.preset).toBe(name);
    expect(Object.keys(doc.deadlines).sort()).toEqual([...DEADLINE_KINDS].sort());
  });

  it.each(POLICY_PRESETS)('%s: the customer hears back within 24 h of wall-clock time, callbacks run on calendar time', (name) => {
    const { deadlines } = POLICY_PRESET_DOCUMENTS[name];
    expect(deadlines.CUSTOMER_REPLY).toEqual({ after: 'PT24H', businessTime: false });
    expect(deadlines.CALLBACK.businessTime).toBe(false);
  });

  it('takes the preset-specific values from the domain tables', () => {
    const pm = POLICY_PRESET_DOCUMENTS['pm-branch'];
    const vk = POLICY_PRESET_DOCUMENTS['vanke-sh'];
    const tr = POLICY_PRESET_DOCUMENTS.training;
    expect(vk.deadlines.FORWARD).toEqual({ after: 'PT30M', businessTime: true, rule: 'OFF_HOURS_AFTER_START', offHoursAfter: 'PT1H' });
    expect(pm.deadlines.CALLBACK.after).toBe('P2D');
    expect(vk.deadlines.CALLBACK.after).toBe('P3D');
    expect(tr.deadlines.CALLBACK.after).toBe('P3D');
    expect(pm.deadlines.RESOLUTION).toEqual({ after: 'P2D', businessTime: false, rule: 'CUSTOMER_DEADLINE_IF_EARLIER' });
    expect(tr.deadlines.RESOLUTION).toEqual({ after: 'P1D', businessTime: true });
    expect(pm.severity.collectiveHouseholdsMajor).toBe(5);
    expect(vk.severity).toMatchObject({ collectiveHouseholdsMajor: 10, collectiveHouseholdsHot: 3, unresolvedHotAfter: 'P7D', unresolvedMajorAfter: 'P30D' });
    expect(tr.severity).toMatchObject({ collectiveHouseholdsMajor: 3, sameMatterComplaintsMajor: 3, lossYuanMajor: 500 });
    expect(pm.callback.requiredFor).toBe('ALL');
    expect(tr.callback.requiredFor).toBe('VALID');
  });

  it('hands out copies: changing one does not touch the preset', () => {
    const p = presetPolicy('vanke-sh');
    p.deadlines.CALLBACK.after = 'P9D';
    p.severity.collectiveHouseholdsMajor = 99;
    expect(POLICY_PRESET_DOCUMENTS['vanke-sh'].deadlines.CALLBACK.after).toBe('P3D');
    expect(presetPolicy('vanke-sh').severity.collectiveHouseholdsMajor).toBe(10);
    expect(Object.isFrozen(POLICY_PRESET_DOCUMENTS['vanke-sh'].deadlines.CALLBACK)).toBe(true);
  });

  it('knows its preset names', () => {
    expect(isPolicyPreset('training')).toBe(true);
    expect(isPolicyPreset('vanke')).toBe(false);
    expect(isPolicyPreset(undefined)).toBe(false);
    expect(() => presetPolicy('nope' as never)).toThrow(RangeError);
  });
});

describe('ISO-8601 durations in a policy', () => {
  it.each(['PT30M', 'PT4H', 'P2D', 'P1W', 'P1Y2M3DT4H5M6S', 'PT0S', 'P30D'])('accepts %s', (d) => {
    expect(isPolicyDuration(d)).toBe(true);
  });
  it.each(['P', 'PT', 'P1DT', '2 days', 'PT1.5H', '-P1D', 'p2d', 'P1H', '', 'PT30'])('rejects %j', (d) => {
    expect(isPolicyDuration(d)).toBe(false);
  });
});

describe('validatePolicyOverrides', () => {
  it('accepts an empty and a valid partial override', () => {
    expect(validatePolicyOverrides({})).toEqual([]);
    expect(validatePolicyOverrides({
      deadlines: { CALLBACK: { after: 'P1D' }, FORWARD: { rule: null, offHoursAfter: null } },
      severity: { collectiveHouseholdsMajor: 8, lossYuanMajor: null },
      callback: { requiredFor: 'VALID' },
    })).toEqual([]);
  });

  it('rejects a non-object document at the root', () => {
    for (const bad of [null, undefined, 'x', 42, []]) {
      expect(validatePolicyOverrides(bad)).toEqual([{ path: POLICY_ROOT_PATH, message: expect.any(String) }]);
    }
  });

  it('names the path of an unknown deadline kind', () => {
    expect(paths(validatePolicyOverrides({ deadlines: { CALLBAK: { after: 'P1D' } } }))).toEqual(['deadlines.CALLBAK']);
  });

  it('names the path of unknown keys at every level', () => {
    expect(paths(validatePolicyOverrides({ deadline: {} }))).toEqual(['deadline']);
    expect(paths(validatePolicyOverrides({ deadlines: { CALLBACK: { afterr: 'P1D' } } }))).toEqual(['deadlines.CALLBACK.afterr']);
    expect(paths(validatePolicyOverrides({ severity: { households: 3 } }))).toEqual(['severity.households']);
    expect(paths(validatePolicyOverrides({ callback: { rate: 1 } }))).toEqual(['callback.rate']);
  });

  it('names the path of a bad duration', () => {
    const issues = validatePolicyOverrides({ deadlines: { CALLBACK: { after: '2 days' } } });
    expect(issues).toEqual([{ path: 'deadlines.CALLBACK.after', message: expect.stringContaining('ISO-8601 duration') }]);
    expect(paths(validatePolicyOverrides({ deadlines: { FORWARD: { offHoursAfter: 'PT' } } }))).toEqual(['deadlines.FORWARD.offHoursAfter']);
    expect(paths(validatePolicyOverrides({ deadlines: { CALLBACK: { after: null } } }))).toEqual(['deadlines.CALLBACK.after']);
  });

  it('names the path of a bad number', () => {
    for (const bad of [0, -1, 2.5, '5', null]) {
      const issues = validatePolicyOverrides({ severity: { collectiveHouseholdsMajor: bad } });
      expect(issues).toEqual([{ path: 'severity.collectiveHouseholdsMajor', message: expect.stringContaining('positive integer') }]);
    }
    expect(paths(validatePolicyOverrides({ severity: { lossYuanMajor: -5 } }))).toEqual(['severity.lossYuanMajor']);
    expect(paths(validatePolicyOverrides({ severity: { collectiveHouseholdsHot: null } }))).toEqual([]);
  });

  it('names the path of a bad enum or boolean', () => {
    expect(validatePolicyOverrides({ callback: { requiredFor: 'SOME' } }))
      .toEqual([{ path: 'callback.requiredFor', message: expect.stringContaining('must be one of ALL, VALID') }]);
    expect(paths(validatePolicyOverrides({ deadlines: { FOLLOW_UP_2: { rule: 'TOMORROW' } } }))).toEqual(['deadlines.FOLLOW_UP_2.rule']);
    expect(paths(validatePolicyOverrides({ deadlines: { REPORT: { businessTime: 'yes' } } }))).toEqual(['deadlines.REPORT.businessTime']);
    expect(paths(validatePolicyOverrides({ severity: { injuryMajor: 1 } }))).toEqual(['severity.injuryMajor']);
  });

  it('rejects month/year lengths where severity turns them into milliseconds', () => {
    expect(paths(validatePolicyOverrides({ severity: { unresolvedMajorAfter: 'P1M' } }))).toEqual(['severity.unresolvedMajorAfter']);
    expect(paths(validatePolicyOverrides({ severity: { sameMatterWindow: 'P1Y' } }))).toEqual(['severity.sameMatterWindow']);
    expect(paths(validatePolicyOverrides({ severity: { unresolvedHotAfter: 'PT0S' } }))).toEqual(['severity.unresolvedHotAfter']);
    expect(paths(validatePolicyOverrides({ severity: { unresolvedHotAfter: 'P1W' } }))).toEqual([]);
  });

  it('refuses to override the preset', () => {
    expect(paths(validatePolicyOverrides({ preset: 'training' }))).toEqual(['preset']);
  });

  it('reports every bad field, one issue each', () => {
    const issues = validatePolicyOverrides({
      preset: 'vanke-sh',
      deadlines: { CALLBAK: {}, CALLBACK: { after: 'soon', businessTime: 'no' }, FORWARD: 'PT1H' },
      severity: { collectiveHouseholdsMajor: 0, unknownKnob: true },
      callback: { requiredFor: 'NONE' },
      extra: 1,
    });
    expect(paths(issues)).toEqual([
      'preset',
      'deadlines.CALLBAK',
      'deadlines.CALLBACK.after',
      'deadlines.CALLBACK.businessTime',
      'deadlines.FORWARD',
      'severity.collectiveHouseholdsMajor',
      'severity.unknownKnob',
      'callback.requiredFor',
      'extra',
    ]);
    for (const i of issues) expect(i.message.length).toBeGreaterThan(0);
  });

  it('with a base, also checks the coherence of the merged result', () => {
    const base = presetPolicy('vanke-sh');
    expect(validatePolicyOverrides({ deadlines: { FORWARD: { offHoursAfter: null } } })).toEqual([]);
    expect(paths(validatePolicyOverrides({ deadlines: { FORWARD: { offHoursAfter: null } } }, base)))
      .toEqual(['deadlines.FORWARD.offHoursAfter']);
  });
});

describe('mergePolicy', () => {
  it('merges a partial deadline override and leaves the rest as it was', () => {
    const base = presetPolicy('pm-branch');
    const merged = mergePolicy(base, { deadlines: { CALLBACK: { after: 'P1D' } }, severity: { collectiveHouseholdsMajor: 8 } });
    expect(merged.deadlines.CALLBACK).toEqual({ after: 'P1D', businessTime: false });
    expect(merged.severity.collectiveHouseholdsMajor).toBe(8);
    const { CALLBACK: _c, ...otherMerged } = merged.deadlines;
    const { CALLBACK: _b, ...otherBase } = base.deadlines;
    expect(otherMerged).toEqual(otherBase);
    expect({ ...merged.severity, collectiveHouseholdsMajor: 5 }).toEqual(base.severity);
    expect(merged.callback).toEqual(base.callback);
    expect(merged.preset).toBe('pm-branch');
    expect(base.deadlines.CALLBACK.after).toBe('P2D'); // base untouched
  });

  it('removes optional deadline fields set to null and may set null severity thresholds', () => {
    const merged = mergePolicy(presetPolicy('vanke-sh'), {
      deadlines: { FORWARD: { rule: null, offHoursAfter: null, enabled: false } },
      severity: { collectiveHouseholdsHot: null },
    });
    expect(merged.deadlines.FORWARD).toEqual({ after: 'PT30M', businessTime: true, enabled: false });
    expect(merged.severity.collectiveHouseholdsHot).toBeNull();
    expect(validatePolicy(merged)).toEqual([]);
  });

  it('ignores keys it does not know', () => {
    const base = presetPolicy('training');
    const merged = mergePolicy(base, { preset: 'vanke-sh', deadlines: { NOPE: { after: 'P1D' } } } as never);
    expect(merged).toEqual(base);
  });
});

describe('resolvePolicy', () => {
  it('returns the preset when there are no overrides', () => {
    expect(resolvePolicy('vanke-sh')).toEqual({ policy: presetPolicy('vanke-sh'), issues: [] });
  });

  it('returns the merged policy for valid overrides', () => {
    const { policy, issues } = resolvePolicy('training', { callback: { requiredFor: 'ALL' }, deadlines: { RESOLUTION: { after: 'P2D', businessTime: false } } });
    expect(issues).toEqual([]);
    expect(policy.callback.requiredFor).toBe('ALL');
    expect(policy.deadlines.RESOLUTION).toEqual({ after: 'P2D', businessTime: false });
  });

  it('returns issues and the untouched preset for invalid overrides', () => {
    const { policy, issues } = resolvePolicy('training', { callback: { requiredFor: 'X' } });
    expect(paths(issues)).toEqual(['callback.requiredFor']);
    expect(policy).toEqual(presetPolicy('training'));
  });

  it('catches incoherent results of individually valid overrides', () => {
    const cases: Array<[unknown, string]> = [
      [{ deadlines: { ACKNOWLEDGE: { rule: 'OFF_HOURS_AFTER_START' } } }, 'deadlines.ACKNOWLEDGE.offHoursAfter'],
      [{ deadlines: { ACKNOWLEDGE: { offHoursAfter: 'PT1H' } } }, 'deadlines.ACKNOWLEDGE.offHoursAfter'],
      [{ deadlines: { CALLBACK: { after: 'PT0S' } } }, 'deadlines.CALLBACK.after'],
      [{ severity: { collectiveHouseholdsHot: 10 } }, 'severity.collectiveHouseholdsHot'],
      [{ severity: { unresolvedHotAfter: 'P30D' } }, 'severity.unresolvedHotAfter'],
    ];
    for (const [overrides, path] of cases) {
      const { policy, issues } = resolvePolicy('vanke-sh', overrides);
      expect(paths(issues)).toEqual([path]);
      expect(policy).toEqual(presetPolicy('vanke-sh'));
    }
    // A zero `after` is fine for an end-of-day rule and for a switched-off deadline.
    expect(resolvePolicy('vanke-sh', { deadlines: { ACKNOWLEDGE: { after: 'PT0S', rule: 'SAME_DAY' }, CALLBACK: { after: 'PT0S', enabled: false } } }).issues).toEqual([]);
  });
});

describe('validatePolicy (complete documents)', () => {
  it('requires every section, kind and field', () => {
    const p = presetPolicy('pm-branch') as unknown as Record<string, Record<string, unknown>>;
    delete p.deadlines.REPORT;
    delete p.severity.sameMatterWindow;
    delete p.callback;
    expect(paths(validatePolicy(p))).toEqual(['deadlines.REPORT', 'severity.sameMatterWindow', 'callback']);
    expect(paths(validatePolicy({ ...presetPolicy('pm-branch'), preset: 'other' }))).toEqual(['preset']);
  });

  it('coherence of the presets themselves', () => {
    for (const name of POLICY_PRESETS) expect(policyCoherenceIssues(POLICY_PRESET_DOCUMENTS[name] as Policy)).toEqual([]);
  });
});

describe('bounds on policy durations', () => {
  const base = presetPolicy('pm-branch');
  const overrideIssues = (overrides: unknown) => validatePolicyOverrides(overrides, base);

  it('refuses the durations of issue 7 at their path, naming the maximum', () => {
    const huge = overrideIssues({ deadlines: { CUSTOMER_REPLY: { after: 'P5000000D', businessTime: true } } });
    expect(huge).toEqual([{ path: 'deadlines.CUSTOMER_REPLY.after', message: expect.stringContaining('at most P90D') }]);
    const year = overrideIssues({ deadlines: { CALLBACK: { after: 'P1Y', businessTime: true } } });
    expect(year).toEqual([{ path: 'deadlines.CALLBACK.after', message: expect.stringContaining('years, months or weeks') }]);
    const ages = overrideIssues({ deadlines: { RESOLUTION: { after: 'P300000Y' } } });
    expect(ages).toEqual([{ path: 'deadlines.RESOLUTION.after', message: expect.stringContaining('at most P366D') }]);
    // Without a base the entry's own clock is used, and calendar time when it names none.
    expect(paths(validatePolicyOverrides({ deadlines: { CUSTOMER_REPLY: { after: 'P5000000D', businessTime: true } } })))
      .toEqual(['deadlines.CUSTOMER_REPLY.after']);
    expect(paths(validatePolicyOverrides({ deadlines: { RESOLUTION: { after: 'P300000Y' } } }))).toEqual(['deadlines.RESOLUTION.after']);
  });

  it('business time: up to 90 working days, hours counting 8 to a day; no years, months or weeks', () => {
    const at = (after: string) => paths(overrideIssues({ deadlines: { REPORT: { after, businessTime: true } } }));
    for (const ok of ['P90D', 'PT720H', 'P45DT360H', 'P89DT8H', 'PT43200M', 'P1DT4H30M']) expect([ok, at(ok)]).toEqual([ok, []]);
    for (const bad of ['P91D', 'P90DT1S', 'PT721H', 'P89DT9H', 'PT43201M', 'P1W', 'P1M', 'P1Y']) {
      expect([bad, at(bad)]).toEqual([bad, ['deadlines.REPORT.after']]);
    }
    // The clock may come from the preset: REPORT runs on business time in pm-branch.
    expect(paths(overrideIssues({ deadlines: { REPORT: { after: 'P100D' } } }))).toEqual(['deadlines.REPORT.after']);
    // …or switch it: the same P100D is fine on calendar time.
    expect(overrideIssues({ deadlines: { REPORT: { after: 'P100D', businessTime: false } } })).toEqual([]);
    // Complete documents (stored policies) are held to the same bounds.
    const doc = presetPolicy('training');
    doc.deadlines.RESOLUTION.after = 'P91D';
    expect(paths(validatePolicy(doc))).toEqual(['deadlines.RESOLUTION.after']);
  });

  it('calendar time: up to 366 days, a year counting 366 days and a month 31', () => {
    const at = (after: string) => paths(overrideIssues({ deadlines: { CALLBACK: { after, businessTime: false } } }));
    for (const ok of ['P366D', 'P1Y', 'P52W', 'PT8784H', 'P11M', 'P365DT24H']) expect([ok, at(ok)]).toEqual([ok, []]);
    for (const bad of ['P367D', 'P1Y1D', 'P12M', 'P53W', 'PT8785H', 'P366DT1S', 'P2Y']) {
      expect([bad, at(bad)]).toEqual([bad, ['deadlines.CALLBACK.after']]);
    }
  });

  it('bounds offHoursAfter like after', () => {
    expect(overrideIssues({ deadlines: { FORWARD: { offHoursAfter: 'P90D' } } })).toEqual([]);
    expect(overrideIssues({ deadlines: { FORWARD: { offHoursAfter: 'P91D' } } }))
      .toEqual([{ path: 'deadlines.FORWARD.offHoursAfter', message: expect.stringContaining('at most P90D') }]);
  });

  it('refuses an absurdly long duration text before parsing it', () => {
    const long = `P${'9'.repeat(100_000)}D`;
    expect(overrideIssues({ deadlines: { CALLBACK: { after: long } } }))
      .toEqual([{ path: 'deadlines.CALLBACK.after', message: expect.stringContaining('too long for a duration') }]);
    expect(isPolicyDuration(long)).toBe(false);
    // 20 digits parses past Number.MAX_SAFE_INTEGER: still refused at the path, never a throw.
    expect(paths(overrideIssues({ deadlines: { CALLBACK: { after: 'P99999999999999999999D' } } }))).toEqual(['deadlines.CALLBACK.after']);
  });

  it('bounds severity windows and ages to 366 days', () => {
    expect(overrideIssues({ severity: { sameMatterWindow: 'P366D' } })).toEqual([]);
    expect(overrideIssues({ severity: { sameMatterWindow: 'P367D' } }))
      .toEqual([{ path: 'severity.sameMatterWindow', message: expect.stringContaining('at most P366D') }]);
    expect(paths(overrideIssues({ severity: { unresolvedMajorAfter: 'PT8785H' } }))).toEqual(['severity.unresolvedMajorAfter']);
    expect(paths(overrideIssues({ severity: { unresolvedHotAfter: 'P5000000D' } }))).toEqual(['severity.unresolvedHotAfter']);
  });

  it('bounds severity counts and amounts', () => {
    expect(overrideIssues({ severity: { collectiveHouseholdsMajor: 100_000, sameMatterComplainantsHot: 100_000, lossYuanMajor: 1_000_000_000 } }))
      .toEqual([]);
    expect(paths(overrideIssues({ severity: { collectiveHouseholdsMajor: 100_001 } }))).toEqual(['severity.collectiveHouseholdsMajor']);
    expect(paths(overrideIssues({ severity: { sameMatterComplaintsMajor: Number.MAX_SAFE_INTEGER } }))).toEqual(['severity.sameMatterComplaintsMajor']);
    expect(overrideIssues({ severity: { lossYuanMajor: 1_000_000_001 } }))
      .toEqual([{ path: 'severity.lossYuanMajor', message: expect.stringContaining('from 0 to 1000000000') }]);
    expect(paths(overrideIssues({ severity: { lossYuanMajor: Infinity } }))).toEqual(['severity.lossYuanMajor']);
  });

  it('refuses an overrides document with too many keys with one issue at the root', () => {
    const many: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) many[`k${i}`] = i;
    expect(validatePolicyOverrides({ deadlines: many })).toEqual([{ path: POLICY_ROOT_PATH, message: expect.stringContaining('more than 200 keys') }]);
    expect(validatePolicyOverrides({ severity: { lossYuanMajor: [new Array(300).fill(1)] } })).toEqual([{ path: POLICY_ROOT_PATH, message: expect.any(String) }]);
    // Deep nesting is counted without recursion.
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(paths(validatePolicyOverrides({ callback: deep }))).toEqual([POLICY_ROOT_PATH]);
    // A full override of every field stays under the cap.
    const full = { deadlines: {} as Record<string, unknown>, severity: { ...base.severity }, callback: { ...base.callback } };
    for (const kind of DEADLINE_KINDS) full.deadlines[kind] = { ...base.deadlines[kind], enabled: true };
    expect(validatePolicyOverrides(full, base)).toEqual([]);
  });

  it('every preset stays within the bounds', () => {
    for (const name of POLICY_PRESETS) expect(resolvePolicy(name, {}).issues).toEqual([]);
  });
});

describe('work-order policy (workOrders section)', () => {
  it('every preset carries the agreed work-order values', () => {
    expect(presetPolicy('training').workOrders).toEqual({
      repairOrderWithin: { after: 'PT20M', businessTime: true }, visitGrace: 'PT30M', completeWithin: { after: 'P1D', businessTime: true },
      returnVisitAfter: 'P3D', autoReassign: true, maxAttempts: 3,
    });
    expect(presetPolicy('pm-branch').workOrders).toMatchObject({ autoReassign: false, visitGrace: 'PT30M', maxAttempts: 3 });
    expect(presetPolicy('vanke-sh').workOrders).toEqual({
      repairOrderWithin: { after: 'PT20M', businessTime: true }, visitGrace: 'PT1H', completeWithin: { after: 'P2D', businessTime: true },
      returnVisitAfter: 'P3D', autoReassign: true, maxAttempts: 3,
    });
    for (const name of POLICY_PRESETS) expect(validatePolicy(presetPolicy(name))).toEqual([]);
  });

  it('a policy stored before work orders gets its preset\'s section, and a copy each time', () => {
    const stored = presetPolicy('pm-branch');
    delete stored.workOrders;
    expect(validatePolicy(stored)).toEqual([]);
    const w = workOrderPolicyOf(stored);
    expect(w).toEqual(presetPolicy('pm-branch').workOrders);
    w.repairOrderWithin.after = 'PT1M';
    expect(workOrderPolicyOf(stored).repairOrderWithin.after).toBe('PT20M');
    const own = presetPolicy('training');
    own.workOrders!.maxAttempts = 5;
    expect(workOrderPolicyOf(own).maxAttempts).toBe(5);
  });

  it('validates each field and names it by its path', () => {
    const issues = validatePolicyOverrides({
      workOrders: {
        visitGrace: 'half an hour', maxAttempts: 11, autoReassign: 'yes', returnVisitAfter: 'P400D',
        repairOrderWithin: { after: 'PT20M', businessTime: 'no' }, completeWithin: { after: 'P1Y', businessTime: true }, retries: 2,
      },
    }, presetPolicy('training'));
    const paths = issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      'workOrders.autoReassign', 'workOrders.completeWithin.after', 'workOrders.maxAttempts', 'workOrders.repairOrderWithin.businessTime', 'workOrders.retries',
      'workOrders.returnVisitAfter', 'workOrders.visitGrace',
    ].sort());
    expect(validatePolicyOverrides({ workOrders: { maxAttempts: 0 } })[0]).toMatchObject({ path: 'workOrders.maxAttempts' });
    expect(validatePolicyOverrides({ workOrders: { maxAttempts: 2.5 } })[0]).toMatchObject({ path: 'workOrders.maxAttempts' });
    expect(validatePolicyOverrides({ workOrders: 'fast' })[0]).toMatchObject({ path: 'workOrders' });
    // Bounds on the merged rule's real clock: P100D on business time is beyond 90 working days.
    expect(validatePolicyOverrides({ workOrders: { completeWithin: { after: 'P100D' } } }, presetPolicy('training')))
      .toEqual([expect.objectContaining({ path: 'workOrders.completeWithin.after' })]);
    // A year on business time is refused on its clock.
    expect(validatePolicyOverrides({ workOrders: { completeWithin: { after: 'P1Y', businessTime: true } } }, presetPolicy('training')))
      .toEqual([expect.objectContaining({ path: 'workOrders.completeWithin.after' })]);
    expect(validatePolicyOverrides({ workOrders: { maxAttempts: 10, visitGrace: 'PT0S', completeWithin: { after: 'PT4H' } } }, presetPolicy('training'))).toEqual([]);
  });

  it('merges a partial override over the preset (or over the preset\'s section for an old policy)', () => {
    const merged = mergePolicy(presetPolicy('vanke-sh'), { workOrders: { maxAttempts: 5, completeWithin: { after: 'PT4H' } } });
    expect(merged.workOrders).toEqual({
      repairOrderWithin: { after: 'PT20M', businessTime: true }, visitGrace: 'PT1H', completeWithin: { after: 'PT4H', businessTime: true },
      returnVisitAfter: 'P3D', autoReassign: true, maxAttempts: 5,
    });
    const old = presetPolicy('pm-branch');
    delete old.workOrders;
    expect(mergePolicy(old, { workOrders: { autoReassign: true } }).workOrders).toMatchObject({ autoReassign: true, visitGrace: 'PT30M' });
    expect(mergePolicy(old, {}).workOrders).toBeUndefined();
    const r = resolvePolicy('training', { workOrders: { visitGrace: 'PT10S' } });
    expect(r.issues).toEqual([]);
    expect(r.policy.workOrders?.visitGrace).toBe('PT10S');
  });
});

describe('reports policy (reports section: the daily report, 003 八.1)', () => {
  it('every preset builds the daily report at 08:00 and expects it read within the hour', () => {
    for (const name of POLICY_PRESETS) {
      expect(presetPolicy(name).reports).toEqual({ dailyReportAt: '08:00', readWithin: 'PT1H', enabled: true });
      expect(validatePolicy(presetPolicy(name))).toEqual([]);
    }
  });

  it('a policy stored before the daily report gets its preset\'s section, and a copy each time', () => {
    const stored = presetPolicy('vanke-sh');
    delete stored.reports;
    expect(validatePolicy(stored)).toEqual([]);
    const r = reportsPolicyOf(stored);
    expect(r).toEqual({ dailyReportAt: '08:00', readWithin: 'PT1H', enabled: true });
    r.readWithin = 'PT5M';
    expect(reportsPolicyOf(stored).readWithin).toBe('PT1H');
    expect(reportsPolicyOf({ preset: 'nonsense' as never }).dailyReportAt).toBe('08:00');
  });

  it('validates each field and names it by its path', () => {
    const issues = validatePolicyOverrides({ reports: { dailyReportAt: '8am', readWithin: 'P2D', enabled: 'yes', sendAt: '09:00' } });
    expect(issues.map((i) => i.path).sort()).toEqual(['reports.dailyReportAt', 'reports.enabled', 'reports.readWithin', 'reports.sendAt']);
    expect(validatePolicyOverrides({ reports: { dailyReportAt: '24:00' } })[0]).toMatchObject({ path: 'reports.dailyReportAt' });
    expect(validatePolicyOverrides({ reports: { readWithin: 'PT0S' } })[0]).toMatchObject({ path: 'reports.readWithin', message: expect.stringContaining('at least 1 second') });
    expect(validatePolicyOverrides({ reports: { readWithin: 'P1M' } })[0]).toMatchObject({ path: 'reports.readWithin' });
    expect(validatePolicyOverrides({ reports: 'daily' })[0]).toMatchObject({ path: 'reports' });
    const doc = presetPolicy('training') as unknown as Record<string, unknown>;
    doc.reports = { dailyReportAt: '07:30' };
    expect(validatePolicy(doc).map((i) => i.path).sort()).toEqual(['reports.enabled', 'reports.readWithin']);
    expect(validatePolicyOverrides({ reports: { dailyReportAt: '00:00', readWithin: 'PT2S', enabled: false } }, presetPolicy('training'))).toEqual([]);
  });

  it('merges a partial override over the preset (or over the preset\'s section for an old policy)', () => {
    expect(mergePolicy(presetPolicy('pm-branch'), { reports: { readWithin: 'PT30M' } }).reports)
      .toEqual({ dailyReportAt: '08:00', readWithin: 'PT30M', enabled: true });
    const old = presetPolicy('pm-branch');
    delete old.reports;
    expect(mergePolicy(old, { reports: { dailyReportAt: '07:00' } }).reports).toEqual({ dailyReportAt: '07:00', readWithin: 'PT1H', enabled: true });
    expect(mergePolicy(old, {}).reports).toBeUndefined();
    const r = resolvePolicy('training', { reports: { enabled: false } });
    expect(r.issues).toEqual([]);
    expect(r.policy.reports?.enabled).toBe(false);
  });
});
