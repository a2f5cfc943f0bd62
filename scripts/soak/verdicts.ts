// The soak's verdict: one check per promise of the issue, each with its numbers, and the table
// printed at the end (and kept in .data/soak-results.json).

export type KillKind = 'worker' | 'gateway' | 'temporal';
export const KILL_KINDS: readonly KillKind[] = ['worker', 'gateway', 'temporal'];

export interface KillOutcome {
  kind: KillKind;
  /** The process name, e.g. worker-2 or temporal-history. */
  target: string;
  /** Seconds since the load started. */
  atSeconds: number;
  /** Seconds it was down until its replacement was started. */
  downSeconds: number;
  baselinePerSecond: number;
  recoveredAfterMs: number | null;
}

export interface TimerOutcome {
  timers: number;
  fired: number;
  /** How the cluster was stopped and for how long. */
  stop: string;
  /** The latest firing, measured from max(due, cluster back). */
  maxLatenessMs: number | null;
  /** Due while the cluster was down (the others fell due before the stop or after the return). */
  dueWhileDown: number;
}

export interface SoakOutcome {
  minutes: number;
  rate: number;
  seed: number;
  intake: { accepted: number; failed: number; rows: number; workflows: number; rowsWithoutWorkflow: number; workflowsWithoutRow: number; attempts: number };
  staff: { accepted: number; failed: number; applied: number; appliedNotAccepted: number; acceptedNotApplied: number; duplicatedEvents: number; attempts: number };
  kills: KillOutcome[];
  timers: TimerOutcome | undefined;
}

export interface Check {
  check: string;
  pass: boolean;
  value: string;
  goal: string;
}

export const RECOVERY_GOAL_MS = 30_000;
export const TIMER_GOAL_MS = 30_000;

const s1 = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function soakChecks(o: SoakOutcome): Check[] {
  const { intake, staff, kills, timers } = o;
  const checks: Check[] = [];
  checks.push({
    check: 'accepted intakes = rows = workflows',
    pass: intake.accepted === intake.rows && intake.rows === intake.workflows,
    value: `${intake.accepted} = ${intake.rows} = ${intake.workflows}${intake.failed ? ` (${intake.failed} never accepted)` : ''}`,
    goal: 'equal',
  });
  checks.push({
    check: 'accepted staff actions = applied (timeline)',
    pass: staff.accepted === staff.applied && staff.acceptedNotApplied === 0 && staff.appliedNotAccepted === 0,
    value: `${staff.accepted} = ${staff.applied}${staff.acceptedNotApplied ? `, ${staff.acceptedNotApplied} missing` : ''}${staff.appliedNotAccepted ? `, ${staff.appliedNotAccepted} applied but never acknowledged` : ''}${staff.failed ? ` (${staff.failed} never accepted)` : ''}`,
    goal: 'equal',
  });
  checks.push({ check: 'duplicated timeline events', pass: staff.duplicatedEvents === 0, value: String(staff.duplicatedEvents), goal: '0' });
  const stuck = intake.rowsWithoutWorkflow + intake.workflowsWithoutRow;
  checks.push({
    check: 'stuck complaints (row xor workflow)',
    pass: stuck === 0,
    value: `${stuck} (${intake.rowsWithoutWorkflow} rows without workflow, ${intake.workflowsWithoutRow} workflows without row)`,
    goal: '0',
  });
  const hit = KILL_KINDS.filter((k) => kills.some((x) => x.kind === k));
  checks.push({
    check: 'kills (each kind hit)',
    pass: hit.length === KILL_KINDS.length,
    value: `${kills.length}: ${KILL_KINDS.map((k) => `${kills.filter((x) => x.kind === k).length} ${k}`).join(', ')}`,
    goal: 'worker, gateway, temporal ≥ 1 each',
  });
  for (const kind of KILL_KINDS) {
    const of = kills.filter((k) => k.kind === kind);
    if (of.length === 0) continue;
    const unrecovered = of.filter((k) => k.recoveredAfterMs === null).length;
    const worst = Math.max(...of.map((k) => k.recoveredAfterMs ?? Number.POSITIVE_INFINITY));
    checks.push({
      check: `intake back to ≥ 90 % after ${kind} kill`,
      pass: unrecovered === 0 && worst <= RECOVERY_GOAL_MS,
      value: unrecovered ? `${unrecovered} of ${of.length} did not recover` : `worst ${s1(worst)} (${of.map((k) => s1(k.recoveredAfterMs ?? 0)).join(', ')})`,
      goal: `≤ ${s1(RECOVERY_GOAL_MS)}`,
    });
  }
  if (timers) {
    checks.push({
      check: `timers due during a ${timers.stop}`,
      pass: timers.fired === timers.timers && timers.maxLatenessMs !== null && timers.maxLatenessMs <= TIMER_GOAL_MS,
      value: `${timers.fired}/${timers.timers} fired (${timers.dueWhileDown} due while down), latest ${timers.maxLatenessMs === null ? '–' : s1(timers.maxLatenessMs)} after max(due, return)`,
      goal: `all, ≤ ${s1(TIMER_GOAL_MS)}`,
    });
  } else {
    checks.push({ check: 'timers during a cluster stop', pass: false, value: 'not run', goal: 'all fire ≤ 30 s after return' });
  }
  return checks;
}

/** A plain-text table: check | result | value | goal. */
export function renderTable(checks: readonly Check[]): string {
  const rows = [['check', 'result', 'value', 'goal'], ...checks.map((c) => [c.check, c.pass ? 'PASS' : 'FAIL', c.value, c.goal])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}
