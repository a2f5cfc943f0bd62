import fc from 'fast-check';
import { defaultBranchCalendar } from '../calendar/china-holidays.util';
import { DeadlineRule } from '../policy/policy.types';
import { computeDueAt, isDeadlineEnabled, MAX_FALLBACK_DEADLINE_MS, tryComputeDueAt } from './deadline.util';
import { formatLocalDate, parseLocalDate } from '../calendar/zoned-time.util';

const sh = (local: string): number => Date.parse(`${local}:00+08:00`);
const cn = defaultBranchCalendar();

describe('computeDueAt on the default Asia/Shanghai calendar', () => {
  it('plain business time: PT2H at 17:50 on the last working day before National Day 2026', () => {
    expect(computeDueAt({ after: 'PT2H', businessTime: true }, sh('2026-09-30T17:50'), cn)).toBe(sh('2026-10-08T10:50'));
  });

  it('plain business time: general complaint resolved within 1 working day (000 三.7)', () => {
    const rule: DeadlineRule = { after: 'P1D', businessTime: true };
    expect(computeDueAt(rule, sh('2026-03-10T10:30'), cn)).toBe(sh('2026-03-11T10:30'));
    expect(computeDueAt(rule, sh('2026-03-13T19:00'), cn)).toBe(sh('2026-03-16T18:00'));
  });

  it('calendar time ignores working hours and holidays: callback within 2 days', () => {
    expect(computeDueAt({ after: 'P2D', businessTime: false }, sh('2026-09-30T17:50'), cn)).toBe(sh('2026-10-02T17:50'));
    expect(computeDueAt({ after: 'PT24H', businessTime: false }, sh('2026-09-30T17:50'), cn)).toBe(sh('2026-10-01T17:50'));
  });

  describe('OFF_HOURS_AFTER_START (forward: 30 min in hours, off-hours 1 h after work starts)', () => {
    const rule: DeadlineRule = { after: 'PT30M', businessTime: true, rule: 'OFF_HOURS_AFTER_START', offHoursAfter: 'PT1H' };
    it.each([
      ['2026-03-10T10:00', '2026-03-10T10:30'],
      ['2026-03-10T09:00', '2026-03-10T09:30'],
      ['2026-03-10T17:45', '2026-03-11T09:15'],
      ['2026-03-10T20:00', '2026-03-11T10:00'],
      ['2026-03-10T08:59', '2026-03-10T10:00'],
      ['2026-10-03T10:00', '2026-10-08T10:00'],
      ['2026-09-20T08:00', '2026-09-20T10:00'],
    ])('%s → %s', (anchor, due) => {
      expect(computeDueAt(rule, sh(anchor), cn)).toBe(sh(due));
    });
    it('falls back to `after` without offHoursAfter', () => {
      expect(computeDueAt({ ...rule, offHoursAfter: undefined }, sh('2026-03-10T20:00'), cn)).toBe(sh('2026-03-11T09:30'));
    });
  });

  it.each([
    ['2026-03-10T10:00', '2026-03-10T18:00'],
    ['2026-03-10T07:00', '2026-03-10T18:00'],
    ['2026-03-10T19:00', '2026-03-11T18:00'],
    ['2026-03-14T10:00', '2026-03-16T18:00'],
    ['2026-09-30T18:30', '2026-10-08T18:00'],
  ])('SAME_DAY and END_OF_DAY: %s → %s', (anchor, due) => {
    expect(computeDueAt({ after: 'PT0S', businessTime: true, rule: 'SAME_DAY' }, sh(anchor), cn)).toBe(sh(due));
    expect(computeDueAt({ after: 'PT0S', businessTime: true, rule: 'END_OF_DAY' }, sh(anchor), cn)).toBe(sh(due));
  });

  it('CUSTOMER_DEADLINE_IF_EARLIER takes the customer’s deadline only when it is earlier', () => {
    const rule: DeadlineRule = { after: 'P1D', businessTime: true, rule: 'CUSTOMER_DEADLINE_IF_EARLIER' };
    const anchor = sh('2026-03-10T10:00');
    expect(computeDueAt(rule, anchor, cn)).toBe(sh('2026-03-11T10:00'));
    expect(computeDueAt(rule, anchor, cn, { customerDeadlineMs: sh('2026-03-11T09:30') })).toBe(sh('2026-03-11T09:30'));
    expect(computeDueAt(rule, anchor, cn, { customerDeadlineMs: sh('2026-03-12T09:30') })).toBe(sh('2026-03-11T10:00'));
  });

  it('rejects bad input clearly', () => {
    expect(() => computeDueAt({ after: 'PT2X', businessTime: true }, 0, cn)).toThrow('"PT2X"');
    expect(() => computeDueAt({ after: 'P1M', businessTime: true }, 0, cn)).toThrow('"P1M" cannot use years, months or weeks');
    expect(() => computeDueAt({ after: 'PT1H', businessTime: true }, Number.NaN, cn)).toThrow('Invalid deadline anchor');
    expect(() => computeDueAt({ after: 'PT1H', businessTime: true, rule: 'WEEKLY' as never }, 0, cn)).toThrow('Unknown deadline rule "WEEKLY"');
  });

  it('isDeadlineEnabled defaults to true', () => {
    expect(isDeadlineEnabled({ after: 'PT1H', businessTime: true })).toBe(true);
    expect(isDeadlineEnabled({ after: 'PT1H', businessTime: true, enabled: false })).toBe(false);
  });

  it('never falls due before the anchor (except for an earlier customer deadline)', () => {
    const rules: DeadlineRule[] = [
      { after: 'PT4H', businessTime: true },
      { after: 'P3D', businessTime: false },
      { after: 'P1DT2H', businessTime: true },
      { after: 'PT30M', businessTime: true, rule: 'OFF_HOURS_AFTER_START', offHoursAfter: 'PT1H' },
      { after: 'PT0S', businessTime: true, rule: 'SAME_DAY' },
      { after: 'PT0S', businessTime: true, rule: 'END_OF_DAY' },
      { after: 'P2D', businessTime: true, rule: 'CUSTOMER_DEADLINE_IF_EARLIER' },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...rules), fc.integer({ min: sh('2025-01-01T00:00'), max: sh('2026-12-20T00:00') }), (rule, anchor) => {
        expect(computeDueAt(rule, anchor, cn)).toBeGreaterThanOrEqual(anchor);
      }),
      { numRuns: 200 },
    );
  });
});

describe('tryComputeDueAt: an uncomputable deadline is a result, never an exception', () => {
  const anchor = sh('2026-03-10T10:00');
  const allHolidays = (() => {
    const holidays: string[] = [];
    for (let d = parseLocalDate('2026-01-01'); d <= parseLocalDate('2029-12-31'); d++) holidays.push(formatLocalDate(d));
    return { ...cn, holidays, makeUpWorkdays: [] };
  })();

  it('computes what computeDueAt computes', () => {
    const rule: DeadlineRule = { after: 'P1D', businessTime: true };
    expect(tryComputeDueAt(rule, anchor, cn)).toEqual({ ok: true, dueAt: computeDueAt(rule, anchor, cn) });
  });

  it('P5000000D in business time: BEYOND_ENGINE_LIMIT with a calendar-time fallback capped at a year', () => {
    const r = tryComputeDueAt({ after: 'P5000000D', businessTime: true }, anchor, cn);
    expect(r).toMatchObject({ ok: false, reason: 'BEYOND_ENGINE_LIMIT' });
    expect(!r.ok && r.fallbackDueAt).toBe(anchor + MAX_FALLBACK_DEADLINE_MS);
  });

  it('an all-holiday multi-year calendar: NO_WORKING_TIME for every business rule; calendar time still computes', () => {
    for (const rule of [
      { after: 'PT2H', businessTime: true },
      { after: 'PT30M', businessTime: true, rule: 'OFF_HOURS_AFTER_START', offHoursAfter: 'PT1H' },
      { after: 'P1D', businessTime: true, rule: 'SAME_DAY' },
      { after: 'P1D', businessTime: true, rule: 'END_OF_DAY' },
    ] as DeadlineRule[]) {
      const r = tryComputeDueAt(rule, anchor, allHolidays);
      expect(r).toMatchObject({ ok: false, reason: 'NO_WORKING_TIME' });
      expect(!r.ok && r.fallbackDueAt).toBeGreaterThan(anchor);
    }
    // PT2H on a closed calendar falls back to two hours of wall-clock time.
    const r = tryComputeDueAt({ after: 'PT2H', businessTime: true }, anchor, allHolidays);
    expect(!r.ok && r.fallbackDueAt).toBe(anchor + 2 * 3600_000);
    expect(tryComputeDueAt({ after: 'P2D', businessTime: false }, anchor, allHolidays)).toEqual({ ok: true, dueAt: sh('2026-03-12T10:00') });
  });

  it('P300000Y on calendar time, P1Y in business time, a bad calendar and a bad anchor are typed results', () => {
    expect(tryComputeDueAt({ after: 'P300000Y', businessTime: false }, anchor, cn)).toMatchObject({ ok: false, reason: 'BEYOND_ENGINE_LIMIT', fallbackDueAt: anchor + MAX_FALLBACK_DEADLINE_MS });
    expect(tryComputeDueAt({ after: 'P1Y', businessTime: true }, anchor, cn)).toMatchObject({ ok: false, reason: 'INVALID_RULE' });
    expect(tryComputeDueAt({ after: 'PT2H', businessTime: true }, anchor, { ...cn, timezone: 'Nowhere/Else' })).toMatchObject({ ok: false, reason: 'INVALID_CALENDAR' });
    expect(tryComputeDueAt({ after: 'PT2H', businessTime: true }, anchor, { ...cn, workingHours: [] })).toMatchObject({ ok: false, reason: 'INVALID_CALENDAR' });
    expect(tryComputeDueAt({ after: 'PT2H', businessTime: true }, NaN, cn)).toMatchObject({ ok: false, reason: 'INVALID_ANCHOR', fallbackDueAt: null });
    // The earliest instant a Date can hold (receivedAt -271821-04-20): outside the engine's years.
    expect(tryComputeDueAt({ after: 'PT2H', businessTime: true }, -8.64e15, cn)).toMatchObject({ ok: false, reason: 'INVALID_ANCHOR', fallbackDueAt: null });
    // A due time past year 9999 is beyond the engine, with a fallback it can set.
    expect(tryComputeDueAt({ after: 'P9000Y', businessTime: false }, anchor, cn)).toMatchObject({ ok: false, reason: 'BEYOND_ENGINE_LIMIT', fallbackDueAt: anchor + MAX_FALLBACK_DEADLINE_MS });
  });

  it('never throws, whatever the rule and anchor (property)', () => {
    fc.assert(
      fc.property(
        fc.record({ after: fc.oneof(fc.string(), fc.constantFrom('P5000000D', 'PT1H', 'P1Y', 'P99999999999999999999D')), businessTime: fc.boolean() }),
        fc.oneof(fc.double(), fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 1.7e12, max: 1.9e12 })),
        (rule, at) => {
          const r = tryComputeDueAt(rule as DeadlineRule, at, cn);
          if (r.ok) expect(Number.isFinite(r.dueAt)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
