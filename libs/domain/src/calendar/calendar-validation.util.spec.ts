import fc from 'fast-check';
import { BranchCalendar } from './calendar.types';
import { longestRunWithoutWork, validateCalendar } from './calendar-validation.util';
import { defaultBranchCalendar } from './china-holidays.util';
import { formatLocalDate, isoWeekday, parseLocalDate } from './zoned-time.util';

const ok: BranchCalendar = {
  timezone: 'Asia/Shanghai',
  workingHours: [
    { weekday: 1, start: '09:00', end: '18:00' },
    { weekday: 6, start: '00:00', end: '24:00' },
  ],
  holidays: ['2026-10-01'],
  makeUpWorkdays: ['2026-10-10'],
};

describe('validateCalendar', () => {
  it('accepts a valid calendar', () => {
    expect(validateCalendar(ok)).toEqual([]);
  });

  it('locates every problem by path', () => {
    const bad = {
      timezone: 'Asia/Beijing',
      workingHours: [
        { weekday: 0, start: '9:00', end: '18:00' },
        { weekday: 2, start: '18:00', end: '09:00' },
        { weekday: 2, start: '10:00', end: '24:01' },
        { weekday: 3, start: '24:00', end: '24:00' },
      ],
      holidays: ['2026-02-30', '2026-10-01'],
      makeUpWorkdays: ['2026-10-01', '10/10/2026'],
    } as BranchCalendar;
    expect(validateCalendar(bad).map((i) => i.path)).toEqual([
      'timezone',
      'workingHours[0].weekday',
      'workingHours[0].start',
      'workingHours[1].end',
      'workingHours[2].weekday',
      'workingHours[2].end',
      'workingHours[3].start',
      'holidays[0]',
      'makeUpWorkdays[1]',
      'makeUpWorkdays[0]',
    ]);
    expect(validateCalendar(bad).find((i) => i.path === 'makeUpWorkdays[0]')?.message).toBe('2026-10-01 is both a holiday and a make-up workday');
    expect(validateCalendar(bad).find((i) => i.path === 'workingHours[2].weekday')?.message).toBe('weekday 2 has more than one entry');
  });

  it('requires at least one working weekday and list fields', () => {
    expect(validateCalendar({ ...ok, workingHours: [] })).toEqual([{ path: 'workingHours', message: 'at least one weekday must have working hours' }]);
    expect(validateCalendar({ ...ok, holidays: undefined } as unknown as BranchCalendar)).toEqual([{ path: 'holidays', message: 'must be a list' }]);
    expect(validateCalendar(null as unknown as BranchCalendar)).toHaveLength(1);
  });
});

const days = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = parseLocalDate(from); d <= parseLocalDate(to); d++) out.push(formatLocalDate(d));
  return out;
};
const weekdaysOf = (year: number, weekday: number): string[] =>
  days(`${year}-01-01`, `${year}-12-31`).filter((d) => isoWeekday(d) === weekday);
const monToFri: BranchCalendar = {
  timezone: 'Asia/Shanghai',
  workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
  holidays: [],
  makeUpWorkdays: [],
};
const paths = (cal: BranchCalendar): string[] => validateCalendar(cal).map((i) => i.path);

describe('validateCalendar bounds', () => {
  it('accepts the default calendars, China\'s holidays included', () => {
    expect(validateCalendar(defaultBranchCalendar())).toEqual([]);
    expect(validateCalendar(defaultBranchCalendar('Europe/Paris'))).toEqual([]);
  });

  it('needs at least one working hour a week', () => {
    const week = (end: string): BranchCalendar => ({ ...monToFri, workingHours: [{ weekday: 3, start: '09:00', end }] });
    expect(validateCalendar(week('10:00'))).toEqual([]);
    expect(validateCalendar(week('09:59'))).toEqual([
      { path: 'workingHours', message: 'the week has 59 minutes of working time: at least 1 hour are needed' },
    ]);
    expect(paths({ ...monToFri, workingHours: new Array(8).fill({ weekday: 1, start: '09:00', end: '18:00' }) })).toEqual(['workingHours']);
  });

  it('allows at most 60 holidays in a calendar year', () => {
    // Every Monday of 2026 and enough Tuesdays: runs of four days off (Sat–Tue), nothing else.
    const sixty = [...weekdaysOf(2026, 1), ...weekdaysOf(2026, 2).slice(0, 60 - 52)];
    expect(sixty).toHaveLength(60);
    expect(validateCalendar({ ...monToFri, holidays: sixty })).toEqual([]);
    const sixtyOne = [...sixty, weekdaysOf(2026, 2)[20]];
    expect(validateCalendar({ ...monToFri, holidays: sixtyOne })).toEqual([{ path: 'holidays', message: '2026 has 61 holidays: at most 60 a year' }]);
    // Duplicates count once.
    expect(validateCalendar({ ...monToFri, holidays: [...sixty, sixty[0]] })).toEqual([]);
  });

  it('allows at most 30 make-up workdays in a calendar year', () => {
    const saturdays = weekdaysOf(2026, 6);
    expect(validateCalendar({ ...monToFri, makeUpWorkdays: saturdays.slice(0, 30) })).toEqual([]);
    expect(validateCalendar({ ...monToFri, makeUpWorkdays: saturdays.slice(0, 31) }))
      .toEqual([{ path: 'makeUpWorkdays', message: '2026 has 31 make-up workdays: at most 30 a year' }]);
  });

  it('bounds the length of the lists, with one issue for the list', () => {
    const mondays: string[] = [];
    for (let y = 2001; mondays.length < 2001; y++) mondays.push(...weekdaysOf(y, 1));
    expect(validateCalendar({ ...monToFri, holidays: mondays.slice(0, 2000) })).toEqual([]);
    expect(validateCalendar({ ...monToFri, holidays: mondays.slice(0, 2001) })).toEqual([{ path: 'holidays', message: 'has 2001 dates: at most 2000' }]);
    expect(validateCalendar({ ...monToFri, makeUpWorkdays: new Array(100_000).fill('2026-01-03') }))
      .toEqual([{ path: 'makeUpWorkdays', message: 'has 100000 dates: at most 1000' }]);
  });

  it('keeps dates within the years 2000–2100', () => {
    expect(validateCalendar({ ...monToFri, holidays: ['2000-01-03', '2100-12-31'], makeUpWorkdays: ['2000-01-01'] })).toEqual([]);
    expect(validateCalendar({ ...monToFri, holidays: ['1999-12-31', '2026-05-01', '2101-01-03'], makeUpWorkdays: ['9999-01-02'] })).toEqual([
      { path: 'holidays[0]', message: '1999-12-31 is outside the years 2000–2100' },
      { path: 'holidays[2]', message: '2101-01-03 is outside the years 2000–2100' },
      { path: 'makeUpWorkdays[0]', message: '9999-01-02 is outside the years 2000–2100' },
    ]);
    expect(paths({ ...monToFri, holidays: [20260101 as unknown as string, 'x'.repeat(10_000)] })).toEqual(['holidays[0]', 'holidays[1]']);
  });

  it('allows at most 31 consecutive days without working time, weekends and holidays together', () => {
    // Mon 2026-03-02 … Mon 2026-03-30 off: Sat 02-28 … Mon 03-30 is 31 days.
    const thirtyOne = days('2026-03-02', '2026-03-30');
    expect(validateCalendar({ ...monToFri, holidays: thirtyOne })).toEqual([]);
    const thirtyTwo = days('2026-03-02', '2026-03-31');
    expect(validateCalendar({ ...monToFri, holidays: thirtyTwo })).toEqual([{
      path: 'holidays',
      message: '2026-02-28 to 2026-03-31 is 32 consecutive days without working time: at most 31 are allowed, so that every deadline can fall on a working day',
    }]);
    // A make-up workday in the middle breaks the run.
    expect(validateCalendar({ ...monToFri, holidays: thirtyTwo.filter((d) => d !== '2026-03-14'), makeUpWorkdays: ['2026-03-14'] })).toEqual([]);
    // So does a date listed both ways (flagged on its own): the engine treats it as a workday.
    expect(paths({ ...monToFri, holidays: thirtyTwo, makeUpWorkdays: ['2026-03-16'] })).toEqual(['makeUpWorkdays[0]']);
    // Two stretches of holidays joined by a weekend count as one run.
    expect(paths({ ...monToFri, holidays: [...days('2026-03-02', '2026-03-13'), ...days('2026-03-16', '2026-04-03')] })).toEqual(['holidays']);
  });

  it('refuses holidays covering every day of 2026–2029 (issue 7), naming the years and the gap', () => {
    const issues = validateCalendar({ ...monToFri, holidays: days('2026-01-01', '2029-12-31') });
    expect(issues).toEqual([
      { path: 'holidays', message: '2026 has 365 holidays: at most 60 a year' },
      { path: 'holidays', message: '2027 has 365 holidays: at most 60 a year' },
      { path: 'holidays', message: '2028 has 366 holidays: at most 60 a year' },
      { path: 'holidays', message: '2029 has 365 holidays: at most 60 a year' },
      { path: 'holidays', message: expect.stringContaining('2026-01-01 to 2029-12-31 is 1461 consecutive days without working time') },
    ]);
  });

  it('refuses a year whose holidays leave no working day', () => {
    const mondaysOnly: BranchCalendar = { ...monToFri, workingHours: [{ weekday: 1, start: '09:00', end: '10:00' }] };
    expect(validateCalendar({ ...mondaysOnly, holidays: weekdaysOf(2027, 1) }))
      .toEqual([{ path: 'holidays', message: '2027 has 365 days off: a year must keep working days' }]);
    // One make-up workday keeps the year working, but the gap around it is still far too long.
    expect(validateCalendar({ ...mondaysOnly, holidays: weekdaysOf(2027, 1), makeUpWorkdays: ['2027-07-03'] }))
      .toEqual([{ path: 'holidays', message: expect.stringContaining('consecutive days without working time') }]);
  });
});

describe('longestRunWithoutWork', () => {
  // The plain per-day reading the deadline engine uses, over the listed span plus two weeks each side.
  const bruteForce = (works: boolean[], holidays: Set<number>, makeUp: Set<number>): number => {
    const listed = [...holidays, ...makeUp];
    if (listed.length === 0) return -1;
    let best = 0;
    let run = 0;
    for (let d = Math.min(...listed) - 14; d <= Math.max(...listed) + 14; d++) {
      const working = makeUp.has(d) || (!holidays.has(d) && works[isoWeekday(formatLocalDate(d))]);
      run = working ? 0 : run + 1;
      best = Math.max(best, run);
    }
    return best;
  };

  it('agrees with a per-day scan', () => {
    const base = parseLocalDate('2026-01-01');
    fc.assert(fc.property(
      fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }).filter((w) => w.some(Boolean)),
      fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 120 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 20 }),
      (week, hol, mk) => {
        const works = [false, ...week];
        const holidays = new Set(hol.map((d) => base + d));
        const makeUp = new Set(mk.map((d) => base + d));
        const run = longestRunWithoutWork(works, holidays, makeUp);
        const expected = bruteForce(works, holidays, makeUp);
        if (expected >= 0) expect(run.length).toBe(Math.max(expected, weeklyRun(week)));
        if (Number.isFinite(run.from)) {
          for (let d = run.from; d <= run.to; d++) {
            expect(makeUp.has(d) || (!holidays.has(d) && works[isoWeekday(formatLocalDate(d))])).toBe(false);
          }
        }
      },
    ), { numRuns: 300 });
  });

  function weeklyRun(week: boolean[]): number {
    let best = 0;
    for (let s = 0; s < 7; s++) {
      let n = 0;
      while (n < 7 && !week[(s + n) % 7]) n++;
      best = Math.max(best, n);
    }
    return best;
  }
});
