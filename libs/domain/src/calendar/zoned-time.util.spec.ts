import fc from 'fast-check';
import {
  addDaysToLocalDate,
  civilFromDays,
  daysFromCivil,
  instantToZoned,
  isoWeekday,
  isValidLocalDate,
  isValidTimeZone,
  localDate,
  parseWallTime,
  wallClockMs,
  zonedToInstant,
} from './zoned-time.util';

const at = (iso: string): number => Date.parse(iso);
const local = (year: number, month: number, day: number, hour: number, minute: number) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
  millisecond: 0,
});
const RANGE = { min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') };

describe('zonedToInstant', () => {
  it('converts plain local times', () => {
    expect(zonedToInstant(local(2026, 9, 30, 17, 50), 'Asia/Shanghai')).toBe(at('2026-09-30T17:50:00+08:00'));
    expect(zonedToInstant(local(2026, 1, 15, 9, 0), 'America/New_York')).toBe(at('2026-01-15T09:00:00-05:00'));
    expect(zonedToInstant(local(2026, 7, 15, 9, 0), 'America/New_York')).toBe(at('2026-07-15T09:00:00-04:00'));
    expect(zonedToInstant(local(2026, 7, 15, 9, 0), 'Asia/Kolkata')).toBe(at('2026-07-15T09:00:00+05:30'));
  });

  it('moves a wall time inside a DST gap forward by the gap (New York, 2026-03-08 02:30 → 03:30 EDT)', () => {
    expect(zonedToInstant(local(2026, 3, 8, 2, 30), 'America/New_York')).toBe(at('2026-03-08T03:30:00-04:00'));
    expect(zonedToInstant(local(2026, 3, 8, 2, 0), 'America/New_York')).toBe(at('2026-03-08T03:00:00-04:00'));
    // Lord Howe Island's DST is half an hour: 02:00–02:30 is skipped.
    expect(zonedToInstant(local(2026, 10, 4, 2, 15), 'Australia/Lord_Howe')).toBe(at('2026-10-04T02:45:00+11:00'));
  });

  it('takes the earlier instant of a repeated wall time (New York, 2026-11-01 01:30 → EDT)', () => {
    expect(zonedToInstant(local(2026, 11, 1, 1, 30), 'America/New_York')).toBe(at('2026-11-01T01:30:00-04:00'));
    expect(zonedToInstant(local(2026, 11, 1, 2, 0), 'America/New_York')).toBe(at('2026-11-01T02:00:00-05:00'));
  });

  it('round-trips with instantToZoned (exactly, except the later half of an overlap → earlier)', () => {
    fc.assert(
      fc.property(fc.integer(RANGE), fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Australia/Lord_Howe', 'Europe/London'), (ms, tz) => {
        const back = zonedToInstant(instantToZoned(ms, tz), tz);
        if (back !== ms) {
          expect(back).toBeLessThan(ms);
          expect(instantToZoned(back, tz)).toEqual(instantToZoned(ms, tz));
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer(RANGE), (ms) => {
        expect(zonedToInstant(instantToZoned(ms, 'Asia/Shanghai'), 'Asia/Shanghai')).toBe(ms);
      }),
      { numRuns: 200 },
    );
  });
});

describe('wallClockMs', () => {
  it('agrees with Intl formatToParts (its fast path parses format())', () => {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    fc.assert(
      fc.property(fc.integer(RANGE), (ms) => {
        const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
        const expected = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, ms % 1000);
        expect(wallClockMs(ms, 'America/New_York')).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('local dates and weekdays', () => {
  it('localDate uses the zone', () => {
    expect(localDate(at('2026-09-30T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-10-01');
    expect(localDate(at('2026-09-30T17:00:00Z'), 'UTC')).toBe('2026-09-30');
  });
  it('isoWeekday of dates and instants', () => {
    expect(isoWeekday('2026-10-08')).toBe(4);
    expect(isoWeekday('2026-09-20')).toBe(7);
    expect(isoWeekday('2026-03-09')).toBe(1);
    expect(isoWeekday(at('2026-09-30T17:00:00Z'), 'Asia/Shanghai')).toBe(4);
    expect(() => isoWeekday('2026-02-30')).toThrow('2026-02-30');
  });
  it('validates dates, times and zones', () => {
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2026-1-01')).toBe(false);
    expect(parseWallTime('09:30')).toBe(570);
    expect(parseWallTime('24:00')).toBeNaN();
    expect(parseWallTime('24:00', true)).toBe(1440);
    expect(parseWallTime('9:30')).toBeNaN();
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
  it('addDaysToLocalDate crosses months and years', () => {
    expect(addDaysToLocalDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDaysToLocalDate('2028-03-01', -1)).toBe('2028-02-29');
  });
  it('civil day numbers match Date.UTC', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (n) => {
        const { year, month, day } = civilFromDays(n);
        expect(Date.UTC(year, month - 1, day) / 86_400_000).toBe(n);
        expect(daysFromCivil(year, month, day)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });
});
