import { killSchedule } from './chaos';
import { seededRandom } from './config';
import { SoakOutcome, renderTable, soakChecks } from './verdicts';

const healthy = (): SoakOutcome => ({
  minutes: 10, rate: 4, seed: 1,
  intake: { accepted: 2400, failed: 0, rows: 2400, workflows: 2400, rowsWithoutWorkflow: 0, workflowsWithoutRow: 0, attempts: 2450 },
  staff: { accepted: 3600, failed: 0, applied: 3600, appliedNotAccepted: 0, acceptedNotApplied: 0, duplicatedEvents: 0, attempts: 3700 },
  kills: [
    { kind: 'worker', target: 'worker-1', atSeconds: 40, downSeconds: 3, baselinePerSecond: 4, recoveredAfterMs: 4_000 },
    { kind: 'gateway', target: 'gateway-2', atSeconds: 85, downSeconds: 3, baselinePerSecond: 4, recoveredAfterMs: 0 },
    { kind: 'temporal', target: 'temporal-history', atSeconds: 130, downSeconds: 3, baselinePerSecond: 4, recoveredAfterMs: 21_000 },
  ],
  timers: { timers: 100, fired: 100, stop: '60 s SIGKILL stop of all 4 Temporal services', maxLatenessMs: 12_000, dueWhileDown: 100 },
});

const verdict = (o: SoakOutcome): Record<string, boolean> => Object.fromEntries(soakChecks(o).map((c) => [c.check, c.pass]));

describe('soakChecks', () => {
  it('passes every check of a healthy run', () => {
    const checks = soakChecks(healthy());
    expect(checks.filter((c) => !c.pass)).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual([
      'accepted intakes = rows = workflows', 'accepted staff actions = applied (timeline)', 'duplicated timeline events',
      'stuck complaints (row xor workflow)', 'kills (each kind hit)', 'intake back to ≥ 90 % after worker kill',
      'intake back to ≥ 90 % after gateway kill', 'intake back to ≥ 90 % after temporal kill',
      'timers due during a 60 s SIGKILL stop of all 4 Temporal services',
    ]);
  });

  it('fails on a row more than accepted, a duplicate, a stuck complaint, an action applied but never acknowledged', () => {
    const o = healthy();
    o.intake.rows = 2401;
    o.intake.workflowsWithoutRow = 1;
    o.staff.duplicatedEvents = 2;
    o.staff.appliedNotAccepted = 1;
    const v = verdict(o);
    expect(v['accepted intakes = rows = workflows']).toBe(false);
    expect(v['stuck complaints (row xor workflow)']).toBe(false);
    expect(v['duplicated timeline events']).toBe(false);
    expect(v['accepted staff actions = applied (timeline)']).toBe(false);
  });

  it('fails a kind whose slowest recovery is over 30 s or that never recovered, and a run that missed a kind', () => {
    const o = healthy();
    o.kills.push({ kind: 'worker', target: 'worker-2', atSeconds: 200, downSeconds: 3, baselinePerSecond: 4, recoveredAfterMs: 31_000 });
    o.kills[2].recoveredAfterMs = null;
    const v = verdict(o);
    expect(v['intake back to ≥ 90 % after worker kill']).toBe(false);
    expect(v['intake back to ≥ 90 % after temporal kill']).toBe(false);
    expect(v['intake back to ≥ 90 % after gateway kill']).toBe(true);
    const short = healthy();
    short.kills = short.kills.slice(0, 2);
    expect(verdict(short)['kills (each kind hit)']).toBe(false);
  });

  it('fails the timer check when one did not fire, one was late, or it did not run', () => {
    const missing = healthy();
    missing.timers!.fired = 99;
    expect(soakChecks(missing).at(-1)!.pass).toBe(false);
    const late = healthy();
    late.timers!.maxLatenessMs = 30_001;
    expect(soakChecks(late).at(-1)!.pass).toBe(false);
    const none = healthy();
    none.timers = undefined;
    expect(soakChecks(none).at(-1)).toMatchObject({ pass: false, value: 'not run' });
  });
});

describe('renderTable', () => {
  it('prints one aligned row per check with PASS/FAIL', () => {
    const o = healthy();
    o.staff.duplicatedEvents = 1;
    const lines = renderTable(soakChecks(o)).split('\n');
    expect(lines[0]).toMatch(/^\| check +\| result \| value +\| goal +\|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines.find((l) => l.includes('duplicated timeline events'))).toMatch(/\| FAIL +\| 1 +\| 0 +\|/);
    expect(lines.find((l) => l.includes('after temporal kill'))).toContain('worst 21.0 s');
  });
});

describe('killSchedule', () => {
  it('hits every kind once per round of three, in a seeded order', () => {
    const s = killSchedule(seededRandom(5), 4);
    for (let r = 0; r < 4; r++) expect([...s.slice(3 * r, 3 * r + 3)].sort()).toEqual(['gateway', 'temporal', 'worker']);
    expect(killSchedule(seededRandom(5), 4)).toEqual(s);
  });
});
