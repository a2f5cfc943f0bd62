import fc from 'fast-check';
import { BranchCalendar } from './calendar.types';
import {
  addBusinessDuration,
  addCalendarDuration,
  businessTimeBetween,
  BusinessTimeLimitError,
  endOfWorkingDay,
  MAX_BUSINESS_DAYS,
  MAX_SCAN_DAYS,
  isWorkingDay,
  isWorkingTime,
  nextWorkingStart,
  sameWorkingDay,
  workingPeriodAtOrAfter,
} from './business-time.util';
import { defaultBranchCalendar } from './china-holidays.util';
import { daysFromCivil, formatLocalDate, instantToZoned, parseLocalDate } from './zoned-time.util';

const MIN = 60_000;
const H = 60 * MIN;
const sh = (local: string): number => Date.parse(`${local}:00+08:00`);
const cn = defaultBranchCalendar();

describe('hand-worked cases on the default Asia/Shanghai calendar (Mon–Fri 09:00–18:00, 2025–26 holidays)', () => {
  it.each([
    // 10 min left on 9/30; 10/1–10/7 National Day; Thu 10/8 works: 09:00 + 1 h 50 → 10:50.
    ['2026-09-30T17:50', 'PT2H', '2026-10-08T10:50'],
    // 2026-09-20 is a Sunday make-up workday (调休), with Monday's hours.
    ['2026-09-20T10:00', 'PT2H', '2026-09-20T12:00'],
    // Before work on a working day: the clock starts at 09:00.
    ['2026-03-10T03:00', 'PT2H', '2026-03-10T11:00'],
    // Exactly using up the day ends at 18:00, not at 09:00 the next day.
    ['2026-03-10T16:00', 'PT2H', '2026-03-10T18:00'],
    ['2026-03-10T18:00', 'PT1M', '2026-03-11T09:01'],
    // Friday afternoon → Monday.
    ['2026-03-13T17:00', 'PT2H', '2026-03-16T10:00'],
    // Before Spring Festival 2026: Fri 2/13 → make-up Sat 2/14; then 2/15–2/23 off → Tue 2/24.
    ['2026-02-13T17:00', 'PT2H', '2026-02-14T10:00'],
    ['2026-02-14T17:30', 'PT1H', '2026-02-24T09:30'],
    // Spring Festival 2025: Mon 1/27 works, 1/28–2/4 off, Wed 2/5 works.
    ['2025-01-27T17:00', 'PT2H', '2025-02-05T10:00'],
    // A full working day of hours from 09:00 ends at 18:00 the same day.
    ['2026-03-10T09:00', 'PT9H', '2026-03-10T18:00'],
    ['2026-03-10T12:00', 'PT10H', '2026-03-11T13:00'],
    ['2026-03-10T12:00', 'PT0S', '2026-03-10T12:00'],
    // Business days: same wall-clock time on the Nth next working day…
    ['2026-03-10T10:30', 'P1D', '2026-03-11T10:30'],
    ['2026-03-12T11:00', 'P2D', '2026-03-16T11:00'],
    ['2026-09-30T10:00', 'P1D', '2026-10-08T10:00'],
    // …and from off hours the next working day counts whole.
    ['2026-03-09T19:00', 'P1D', '2026-03-10T18:00'],
    ['2026-03-14T12:00', 'P1D', '2026-03-16T18:00'],
    ['2026-03-10T09:00', 'P1D', '2026-03-10T18:00'],
    ['2026-03-09T19:00', 'P2D', '2026-03-11T18:00'],
    ['2026-03-09T19:00', 'P1DT2H', '2026-03-11T11:00'],
    ['2026-03-10T10:30', 'P1DT8H', '2026-03-12T09:30'],
  ])('%s + %s → %s', (from, duration, due) => {
    expect(addBusinessDuration(sh(from), duration, cn)).toBe(sh(due));
  });

  it('takes working milliseconds as a number', () => {
    expect(addBusinessDuration(sh('2026-09-30T17:50'), 2 * H, cn)).toBe(sh('2026-10-08T10:50'));
    expect(() => addBusinessDuration(0, -1, cn)).toThrow('non-negative');
  });

  it('refuses years, months and weeks on business time', () => {
    for (const d of ['P1M', 'P1Y', 'P1W']) expect(() => addBusinessDuration(0, d, cn)).toThrow(`"${d}" cannot use years, months or weeks`);
    expect(() => addBusinessDuration(0, 'PT', cn)).toThrow('"PT"');
  });

  it('isWorkingDay: make-up days work, holidays do not', () => {
    expect(isWorkingDay('2026-10-08', cn)).toBe(true);
    expect(isWorkingDay('2026-10-01', cn)).toBe(false);
    expect(isWorkingDay('2026-10-05', cn)).toBe(false); // a Monday inside National Day
    expect(isWorkingDay('2026-09-20', cn)).toBe(true); // Sunday make-up
    expect(isWorkingDay('2026-09-19', cn)).toBe(false); // plain Saturday
    expect(isWorkingDay('2025-01-26', cn)).toBe(true);
    expect(() => isWorkingDay('2026-13-01', cn)).toThrow('2026-13-01');
  });

  it('isWorkingTime: [start, end) of the day', () => {
    expect(isWorkingTime(sh('2026-03-10T09:00'), cn)).toBe(true);
    expect(isWorkingTime(sh('2026-03-10T17:59'), cn)).toBe(true);
    expect(isWorkingTime(sh('2026-03-10T18:00'), cn)).toBe(false);
    expect(isWorkingTime(sh('2026-03-10T08:59'), cn)).toBe(false);
    expect(isWorkingTime(sh('2026-09-20T10:00'), cn)).toBe(true);
    expect(isWorkingTime(sh('2026-10-02T10:00'), cn)).toBe(false);
  });

  it('nextWorkingStart', () => {
    expect(nextWorkingStart(sh('2026-03-10T10:00'), cn)).toBe(sh('2026-03-10T10:00'));
    expect(nextWorkingStart(sh('2026-03-10T07:00'), cn)).toBe(sh('2026-03-10T09:00'));
    expect(nextWorkingStart(sh('2026-09-30T18:00'), cn)).toBe(sh('2026-10-08T09:00'));
    expect(workingPeriodAtOrAfter(sh('2026-09-30T18:00'), cn)).toMatchObject({ start: sh('2026-10-08T09:00'), end: sh('2026-10-08T18:00') });
  });

  it.each([
    ['2026-03-10T10:00', '2026-03-10T18:00'],
    ['2026-03-10T07:00', '2026-03-10T18:00'],
    ['2026-03-10T18:00', '2026-03-11T18:00'],
    ['2026-03-10T19:00', '2026-03-11T18:00'],
    ['2026-03-14T10:00', '2026-03-16T18:00'],
    ['2026-10-03T10:00', '2026-10-08T18:00'],
  ])('endOfWorkingDay / sameWorkingDay %s → %s', (from, due) => {
    expect(endOfWorkingDay(sh(from), cn)).toBe(sh(due));
    expect(sameWorkingDay(sh(from), cn)).toBe(sh(due));
  });

  it('businessTimeBetween measures working time only', () => {
    expect(businessTimeBetween(sh('2026-09-30T17:50'), sh('2026-10-08T10:50'), cn)).toBe(2 * H);
    expect(businessTimeBetween(sh('2026-10-08T10:50'), sh('2026-09-30T17:50'), cn)).toBe(-2 * H);
    expect(businessTimeBetween(sh('2026-03-09T00:00'), sh('2026-03-16T00:00'), cn)).toBe(45 * H);
  });
});

describe('calendar edge cases', () => {
  const base: BranchCalendar = { timezone: 'Asia/Shanghai', workingHours: [], holidays: [], makeUpWorkdays: [] };

  it('a make-up day whose weekday has no hours takes Monday’s, else the first entry’s', () => {
    const withMonday: BranchCalendar = {
      ...base,
      workingHours: [
        { weekday: 2, start: '10:00', end: '16:00' },
        { weekday: 1, start: '08:00', end: '12:00' },
      ],
      makeUpWorkdays: ['2026-09-20'],
    };
    expect(workingPeriodAtOrAfter(sh('2026-09-20T00:00'), withMonday)).toMatchObject({ start: sh('2026-09-20T08:00'), end: sh('2026-09-20T12:00') });
    const noMonday: BranchCalendar = { ...withMonday, workingHours: [withMonday.workingHours[0]] };
    expect(workingPeriodAtOrAfter(sh('2026-09-20T00:00'), noMonday)).toMatchObject({ start: sh('2026-09-20T10:00'), end: sh('2026-09-20T16:00') });
    const ownSunday: BranchCalendar = { ...withMonday, workingHours: [...withMonday.workingHours, { weekday: 7, start: '13:00', end: '15:00' }] };
    expect(workingPeriodAtOrAfter(sh('2026-09-20T00:00'), ownSunday)).toMatchObject({ start: sh('2026-09-20T13:00') });
  });

  it('a date both holiday and make-up day counts as a make-up day', () => {
    const cal: BranchCalendar = { ...cn, holidays: [...cn.holidays, '2026-09-19'], makeUpWorkdays: [...cn.makeUpWorkdays, '2026-09-19'] };
    expect(isWorkingDay('2026-09-19', cal)).toBe(true);
  });

  it('supports "24:00" ends (round-the-clock hotline)', () => {
    const allDay: BranchCalendar = { ...base, workingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })) };
    expect(addBusinessDuration(sh('2026-03-10T23:00'), 'PT2H', allDay)).toBe(sh('2026-03-11T01:00'));
    expect(isWorkingTime(sh('2026-03-11T00:00'), allDay)).toBe(true);
    expect(endOfWorkingDay(sh('2026-03-10T10:00'), allDay)).toBe(sh('2026-03-11T00:00'));
  });

  it('throws clearly instead of looping when there is no working time', () => {
    expect(() => addBusinessDuration(0, 'PT1H', base)).toThrow('no working hours on any weekday');
    const mondays: string[] = [];
    for (let d = parseLocalDate('2026-03-09'); d < parseLocalDate('2030-12-31'); d += 7) mondays.push(formatLocalDate(d));
    const onlyHolidayMondays: BranchCalendar = { ...base, workingHours: [{ weekday: 1, start: '09:00', end: '18:00' }], holidays: mondays };
    expect(() => addBusinessDuration(sh('2026-03-09T08:00'), 'PT1H', onlyHolidayMondays)).toThrow('No working time within');
    expect(() => nextWorkingStart(sh('2026-03-09T08:00'), onlyHolidayMondays)).toThrow('No working time within');
  });

  it('rejects malformed calendars and instants with clear errors', () => {
    expect(() => isWorkingTime(0, { ...cn, timezone: 'Nowhere/Else' })).toThrow('"Nowhere/Else"');
    expect(() => isWorkingTime(0, { ...cn, workingHours: [{ weekday: 1, start: '18:00', end: '09:00' }] })).toThrow('workingHours[0]');
    expect(() => isWorkingTime(0, { ...cn, holidays: ['2026/10/01'] })).toThrow('holidays[0]');
    expect(() => isWorkingTime(NaN, cn)).toThrow('Invalid instant');
  });

  it('never serves a stale result after a calendar object is mutated', () => {
    const cal = defaultBranchCalendar('UTC');
    const t = Date.parse('2026-03-10T10:00:00Z');
    expect(isWorkingTime(t, cal)).toBe(true);
    cal.holidays.push('2026-03-10');
    expect(isWorkingTime(t, cal)).toBe(false);
  });

  it('business time follows the wall clock across a DST change (New York, Mon–Fri 09:00–17:00)', () => {
    const ny = defaultBranchCalendar('America/New_York');
    const nyCal: BranchCalendar = { ...ny, workingHours: ny.workingHours.map((w) => ({ ...w, end: '17:00' })) };
    expect(addBusinessDuration(Date.parse('2026-03-06T16:00:00-05:00'), 'PT2H', nyCal)).toBe(Date.parse('2026-03-09T10:00:00-04:00'));
    // A Sunday 01:00–05:00 span on the spring-forward night holds only 3 hours.
    const sunday: BranchCalendar = { ...nyCal, workingHours: [{ weekday: 7, start: '01:00', end: '05:00' }] };
    const from = Date.parse('2026-03-08T00:00:00-05:00');
    expect(businessTimeBetween(from, from + 24 * H, sunday)).toBe(3 * H);
    expect(addBusinessDuration(from, 'PT3H', sunday)).toBe(Date.parse('2026-03-08T05:00:00-04:00'));
  });
});

describe('addCalendarDuration', () => {
  const NY = 'America/New_York';
  it('P1D across the spring-forward keeps the wall-clock time (23 h), PT24H does not', () => {
    const sat = Date.parse('2026-03-07T12:00:00-05:00');
    expect(addCalendarDuration(sat, 'P1D', NY)).toBe(Date.parse('2026-03-08T12:00:00-04:00'));
    expect(addCalendarDuration(sat, 'P1D', NY) - sat).toBe(23 * H);
    expect(addCalendarDuration(sat, 'PT24H', NY)).toBe(Date.parse('2026-03-08T13:00:00-04:00'));
    expect(addCalendarDuration(sat, 'P1DT1H', NY)).toBe(Date.parse('2026-03-08T13:00:00-04:00'));
  });
  it('P1D across the fall-back is 25 h', () => {
    const sat = Date.parse('2026-10-31T12:00:00-04:00');
    expect(addCalendarDuration(sat, 'P1D', NY) - sat).toBe(25 * H);
  });
  it('a landing in a DST gap moves forward; an anchor in the repeated hour keeps its instant', () => {
    expect(addCalendarDuration(Date.parse('2026-03-07T02:30:00-05:00'), 'P1D', NY)).toBe(Date.parse('2026-03-08T03:30:00-04:00'));
    const secondOneThirty = Date.parse('2026-11-01T01:30:00-05:00');
    expect(addCalendarDuration(secondOneThirty, 'PT1H', NY)).toBe(secondOneThirty + H);
  });
  it('months and years clamp to the month end; holidays are ignored', () => {
    expect(addCalendarDuration(sh('2026-01-31T10:00'), 'P1M', 'Asia/Shanghai')).toBe(sh('2026-02-28T10:00'));
    expect(addCalendarDuration(sh('2028-02-29T10:00'), 'P1Y', 'Asia/Shanghai')).toBe(sh('2029-02-28T10:00'));
    expect(addCalendarDuration(sh('2026-09-30T17:50'), 'P2D', 'Asia/Shanghai')).toBe(sh('2026-10-02T17:50'));
    expect(addCalendarDuration(sh('2026-09-30T17:50'), 'P1W', 'Asia/Shanghai')).toBe(sh('2026-10-07T17:50'));
  });
});

// ---------------------------------------------------------------------------------------------
// Properties. "Lands in working time" is defined as: the result r is working time, or r is the
// exclusive end of a working period (r - 1 ms is working time and r is not).
// ---------------------------------------------------------------------------------------------

const FROM = sh('2025-01-01T00:00');
const TO = sh('2026-12-20T00:00');
// Aligned instants and round durations make exact landings on period bounds (the traps) common.
const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc.integer({ min: FROM / MIN, max: TO / MIN }).map((m) => m * MIN),
  fc.integer({ min: FROM / (30 * MIN), max: TO / (30 * MIN) }).map((m) => m * 30 * MIN),
);
const minutes = fc.oneof(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 0, max: 200 }).map((n) => n * 30));
const RUNS = { numRuns: 200 };

const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const dateIn = fc.integer({ min: parseLocalDate('2025-01-01'), max: parseLocalDate('2026-12-31') }).map(formatLocalDate);
const span = fc
  .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 }))
  // At least an hour a working day: with a minute a week, 6,000 minutes would end a century later,
  // beyond the engine's horizon (MAX_HORIZON_DAYS; calendars need an hour a week anyway).
  .filter(([a, b]) => b - a >= 60)
  .map(([a, b]) => ({ start: hhmm(a), end: b === 1440 ? '24:00' : hhmm(b) }));
/** Random calendars, including DST zones (one with a 30-minute DST) and spans across the DST hour. */
const calendar: fc.Arbitrary<BranchCalendar> = fc.record({
  timezone: fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC'),
  workingHours: fc
    .uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 })
    .chain((days) => fc.tuple(...days.map((weekday) => span.map((s) => ({ weekday, ...s }))))),
  holidays: fc.array(dateIn, { maxLength: 40 }),
  makeUpWorkdays: fc.array(dateIn, { maxLength: 10 }),
});
const calendars = fc.oneof(fc.constant(cn), calendar);

const landsInWorkingTime = (r: number, cal: BranchCalendar): boolean =>
  isWorkingTime(r, cal) || (isWorkingTime(r - 1, cal) && !isWorkingTime(r, cal));

describe('business-time properties', () => {
  it('is monotone: s1 ≤ s2 ⇒ add(s1, d) ≤ add(s2, d), for working minutes and for days + hours', () => {
    fc.assert(
      fc.property(calendars, instant, instant, minutes, (cal, a, b, m) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        expect(addBusinessDuration(s1, m * MIN, cal)).toBeLessThanOrEqual(addBusinessDuration(s2, m * MIN, cal));
      }),
      RUNS,
    );
    const iso = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 59 }))
      .map(([d, h, m]) => `P${d}DT${h}H${m}M`);
    fc.assert(
      fc.property(calendars, instant, fc.integer({ min: 0, max: 3 * 24 * 60 }), iso, (cal, s1, deltaMin, d) => {
        expect(addBusinessDuration(s1, d, cal)).toBeLessThanOrEqual(addBusinessDuration(s1 + deltaMin * MIN, d, cal));
      }),
      RUNS,
    );
  });

  it('a positive duration lands in working time or exactly at a working period’s end', () => {
    fc.assert(
      fc.property(calendars, instant, minutes.filter((m) => m > 0), (cal, s, m) => {
        expect(landsInWorkingTime(addBusinessDuration(s, m * MIN, cal), cal)).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(calendars, instant, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 600 }), (cal, s, days, m) => {
        expect(landsInWorkingTime(addBusinessDuration(s, `P${days}DT${m}M`, cal), cal)).toBe(true);
      }),
      RUNS,
    );
  });

  it('is additive in minutes: add(s, a + b) = add(add(s, a), b)', () => {
    fc.assert(
      fc.property(calendars, instant, minutes, minutes, (cal, s, a, b) => {
        expect(addBusinessDuration(addBusinessDuration(s, `PT${a}M`, cal), `PT${b}M`, cal)).toBe(addBusinessDuration(s, `PT${a + b}M`, cal));
      }),
      RUNS,
    );
  });

  it('spends exactly the duration, at the earliest possible instant', () => {
    fc.assert(
      fc.property(calendars, instant, minutes.filter((m) => m > 0), (cal, s, m) => {
        const r = addBusinessDuration(s, m * MIN, cal);
        expect(businessTimeBetween(s, r, cal)).toBe(m * MIN);
        expect(businessTimeBetween(s, r - 1, cal)).toBe(m * MIN - 1);
      }),
      RUNS,
    );
  });

  it('nextWorkingStart and endOfWorkingDay bracket the working time after s', () => {
    fc.assert(
      fc.property(calendars, instant, (cal, s) => {
        const start = nextWorkingStart(s, cal);
        const end = endOfWorkingDay(s, cal);
        expect(start).toBeGreaterThanOrEqual(s);
        expect(isWorkingTime(start, cal)).toBe(true);
        expect(businessTimeBetween(s, start, cal)).toBe(0);
        expect(end).toBeGreaterThan(start);
        expect(isWorkingTime(end - 1, cal)).toBe(true);
        expect(businessTimeBetween(start, end, cal)).toBe(end - start);
        expect(sameWorkingDay(s, cal)).toBe(end);
      }),
      RUNS,
    );
  });
});

describe('calendar-duration properties', () => {
  const zones = fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Australia/Lord_Howe');
  it('is additive for hour durations', () => {
    fc.assert(
      fc.property(zones, instant, fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (tz, s, a, b) => {
        expect(addCalendarDuration(addCalendarDuration(s, `PT${a}H`, tz), `PT${b}H`, tz)).toBe(addCalendarDuration(s, `PT${a + b}H`, tz));
      }),
      RUNS,
    );
  });
  it('P{n}D keeps the local time of day and moves the date by n (away from DST hours)', () => {
    fc.assert(
      fc.property(fc.constantFrom('Asia/Shanghai', 'America/New_York'), instant, fc.integer({ min: 0, max: 400 }), (tz, s, n) => {
        const before = instantToZoned(s, tz);
        fc.pre(before.hour >= 4); // New York's DST changes happen between 01:00 and 03:00
        const after = instantToZoned(addCalendarDuration(s, `P${n}D`, tz), tz);
        expect([after.hour, after.minute, after.second, after.millisecond]).toEqual([before.hour, before.minute, before.second, before.millisecond]);
        const dayOf = (z: typeof before): number => daysFromCivil(z.year, z.month, z.day);
        expect(dayOf(after) - dayOf(before)).toBe(n);
      }),
      RUNS,
    );
  });
  it('is monotone and additive for days on a zone without DST', () => {
    fc.assert(
      fc.property(instant, instant, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (x, y, a, b) => {
        const tz = 'Asia/Shanghai';
        const [s1, s2] = x <= y ? [x, y] : [y, x];
        expect(addCalendarDuration(s1, `P${a}D`, tz)).toBeLessThanOrEqual(addCalendarDuration(s2, `P${a}D`, tz));
        expect(addCalendarDuration(addCalendarDuration(s1, `P${a}D`, tz), `P${b}D`, tz)).toBe(addCalendarDuration(s1, `P${a + b}D`, tz));
      }),
      RUNS,
    );
  });
});

describe('bounded by construction (issue 7: a huge duration or an all-holiday calendar must not hang the worker)', () => {
  const reasonOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return e instanceof BusinessTimeLimitError ? e.reason : `untyped: ${String(e)}`;
    }
    return undefined;
  };

  it('refuses more than MAX_BUSINESS_DAYS working days with a typed reason, at once', () => {
    expect(reasonOf(() => addBusinessDuration(sh('2026-03-10T10:00'), 'P5000000D', cn))).toBe('BEYOND_ENGINE_LIMIT');
    expect(reasonOf(() => addBusinessDuration(sh('2026-03-10T10:00'), `P${MAX_BUSINESS_DAYS + 1}D`, cn))).toBe('BEYOND_ENGINE_LIMIT');
    // The cap itself still computes (about a year and a half of working days).
    const due = addBusinessDuration(sh('2026-03-10T10:00'), `P${MAX_BUSINESS_DAYS}D`, cn);
    expect(due).toBeGreaterThan(sh('2027-03-10T10:00'));
  });

  it('refuses a time part that would run past the horizon (hours and raw milliseconds alike)', () => {
    expect(reasonOf(() => addBusinessDuration(sh('2026-03-10T10:00'), 'PT100000000H', cn))).toBe('BEYOND_ENGINE_LIMIT');
    expect(reasonOf(() => addBusinessDuration(sh('2026-03-10T10:00'), 1e15, cn))).toBe('BEYOND_ENGINE_LIMIT');
  });

  it('returns NO_WORKING_TIME for a calendar whose holidays cover 2026–2029', () => {
    const holidays: string[] = [];
    for (let d = parseLocalDate('2026-01-01'); d <= parseLocalDate('2029-12-31'); d++) holidays.push(formatLocalDate(d));
    const closed: BranchCalendar = { ...cn, holidays, makeUpWorkdays: [] };
    expect(reasonOf(() => addBusinessDuration(sh('2026-03-10T10:00'), 'PT2H', closed))).toBe('NO_WORKING_TIME');
    expect(reasonOf(() => addBusinessDuration(sh('2026-03-10T10:00'), 'P1D', closed))).toBe('NO_WORKING_TIME');
    expect(reasonOf(() => endOfWorkingDay(sh('2026-03-10T10:00'), closed))).toBe('NO_WORKING_TIME');
  });

  it('bounds businessTimeBetween over absurd intervals', () => {
    expect(reasonOf(() => businessTimeBetween(sh('1990-03-10T10:00'), sh('2026-03-10T10:00'), cn))).toBe('BEYOND_ENGINE_LIMIT');
    expect(businessTimeBetween(sh('2026-03-10T10:00'), sh('2026-03-10T12:00'), cn)).toBe(2 * H);
  });

  it('keeps every result that used to compute within the horizon unchanged (replay safety)', () => {
    // 200 working days ≈ 10 months: well inside MAX_SCAN_DAYS, same result as the per-day walk.
    const a = sh('2026-03-10T10:30');
    let expected = a;
    for (let k = 0; k < 200; k++) expected = addBusinessDuration(expected, 'P1D', cn);
    expect(addBusinessDuration(a, 'P200D', cn)).toBe(expected);
    expect(MAX_SCAN_DAYS).toBe(3 * 366);
  });
});
