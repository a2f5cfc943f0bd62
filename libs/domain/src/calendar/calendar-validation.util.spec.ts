import { BranchCalendar } from './calendar.types';
import { validateCalendar } from './calendar-validation.util';

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
