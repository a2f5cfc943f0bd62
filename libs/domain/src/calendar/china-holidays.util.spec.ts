import { isWorkingDay } from './business-time.util';
import { validateCalendar } from './calendar-validation.util';
import { CHINA_HOLIDAYS, defaultBranchCalendar } from './china-holidays.util';
import { isoWeekday } from './zoned-time.util';

describe('CHINA_HOLIDAYS', () => {
  it('has the State Council arrangements for 2025 (28 days off) and 2026 (33 days off)', () => {
    expect(CHINA_HOLIDAYS[2025].holidays).toHaveLength(1 + 8 + 3 + 5 + 3 + 8);
    expect(CHINA_HOLIDAYS[2026].holidays).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect(CHINA_HOLIDAYS[2025].holidays).toEqual(expect.arrayContaining(['2025-01-01', '2025-01-28', '2025-02-04', '2025-10-08']));
    expect(CHINA_HOLIDAYS[2026].holidays).toEqual(expect.arrayContaining(['2026-01-03', '2026-02-15', '2026-02-23', '2026-06-19', '2026-09-25', '2026-10-07']));
    expect(CHINA_HOLIDAYS[2026].holidays).not.toContain('2026-10-08');
    expect(CHINA_HOLIDAYS[2025].makeUpWorkdays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
    expect(CHINA_HOLIDAYS[2026].makeUpWorkdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('make-up workdays are all weekend days, and no date is both', () => {
    for (const y of Object.values(CHINA_HOLIDAYS)) {
      for (const d of y.makeUpWorkdays) {
        expect([6, 7]).toContain(isoWeekday(d));
        expect(y.holidays).not.toContain(d);
      }
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(CHINA_HOLIDAYS)).toBe(true);
    expect(Object.isFrozen(CHINA_HOLIDAYS[2026].holidays)).toBe(true);
  });
});

describe('defaultBranchCalendar', () => {
  it('is Mon–Fri 09:00–18:00 in Asia/Shanghai with China’s holidays, and valid', () => {
    const cal = defaultBranchCalendar();
    expect(cal.timezone).toBe('Asia/Shanghai');
    expect(cal.workingHours).toEqual([1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })));
    expect(cal.holidays).toHaveLength(61);
    expect(cal.makeUpWorkdays).toHaveLength(11);
    expect(validateCalendar(cal)).toEqual([]);
    expect(isWorkingDay('2026-10-08', cal)).toBe(true);
    expect(isWorkingDay('2026-10-10', cal)).toBe(true);
    expect(isWorkingDay('2026-10-07', cal)).toBe(false);
  });

  it('has no holidays outside mainland China, and returns fresh arrays', () => {
    expect(defaultBranchCalendar('Europe/Berlin')).toMatchObject({ timezone: 'Europe/Berlin', holidays: [], makeUpWorkdays: [] });
    expect(defaultBranchCalendar('Asia/Hong_Kong').holidays).toEqual([]);
    const a = defaultBranchCalendar();
    a.holidays.length = 0;
    a.workingHours[0].start = '10:00';
    expect(defaultBranchCalendar().holidays).toHaveLength(61);
    expect(defaultBranchCalendar().workingHours[0].start).toBe('09:00');
  });
});
