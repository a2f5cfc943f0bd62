// Deadline maths: how many due times the pure calendar functions compute per second, per kind of
// rule, on the default Asia/Shanghai calendar (China's 2025-2026 holidays) with anchors spread
// over 2025-2026. No servers.
import { defaultBranchCalendar } from '../../../libs/domain/src/calendar/china-holidays.util';
import { computeDueAt } from '../../../libs/domain/src/deadlines/deadline.util';
import type { DeadlineRule } from '../../../libs/domain/src/policy/policy.types';
import { intFromEnv } from '../stats';
import type { BenchSection } from '../types';

const RULES: Record<string, DeadlineRule> = {
  'business PT2H': { after: 'PT2H', businessTime: true },
  'business P1D': { after: 'P1D', businessTime: true },
  'calendar PT24H': { after: 'PT24H', businessTime: false },
  'calendar P2D': { after: 'P2D', businessTime: false },
  'off-hours rule (FORWARD)': { after: 'PT30M', businessTime: true, rule: 'OFF_HOURS_AFTER_START', offHoursAfter: 'PT1H' },
  'end of working day': { after: 'PT0S', businessTime: true, rule: 'END_OF_DAY' },
};

export const calendarSection: BenchSection = {
  id: 'calendar',
  title: 'Deadline maths (libs/domain calendar functions)',
  needsStack: false,
  async run({ say }) {
    const n = intFromEnv('BENCH_CALENDAR_CALLS', 100_000);
    const cal = defaultBranchCalendar('Asia/Shanghai');
    const start = Date.parse('2025-01-01T00:00:00+08:00');
    const span = Date.parse('2026-12-01T00:00:00+08:00') - start;
    // A fixed pseudo-random sequence, so runs compare like with like.
    let seed = 42;
    const anchors = Array.from({ length: n }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return start + Math.floor((seed / 2 ** 31) * span);
    });
    const perRule: Record<string, number> = {};
    let sink = 0;
    for (const [label, rule] of Object.entries(RULES)) {
      for (let i = 0; i < 2000; i++) sink += computeDueAt(rule, anchors[i], cal); // warm-up
      const t0 = performance.now();
      for (const a of anchors) sink += computeDueAt(rule, a, cal);
      perRule[label] = (n / (performance.now() - t0)) * 1000;
      say(`calendar: ${label}: ${Math.round(perRule[label]).toLocaleString('en')} due times/s`);
    }
    if (!Number.isFinite(sink)) throw new Error('unexpected non-finite due time');
    const all = Object.values(perRule);
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    return {
      id: 'calendar',
      title: this.title,
      metrics: [
        ...Object.entries(perRule).map(([label, v]) => ({ label, value: `${Math.round(v).toLocaleString('en')} due times/s` })),
        { label: 'mean over rule kinds', value: `${Math.round(mean).toLocaleString('en')} due times/s (${n.toLocaleString('en')} anchors each)` },
      ],
      data: { callsPerRule: n, dueTimesPerSecond: perRule, mean },
    };
  },
};
