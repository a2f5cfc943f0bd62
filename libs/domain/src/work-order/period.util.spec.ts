import { isValidPeriod, periodBounds } from './period.util';

const utc = (s: string): number => Date.parse(s);

describe('periodBounds', () => {
  it('reads a quarter as its three months from local midnight (Shanghai is UTC+8)', () => {
    expect(periodBounds('2026-Q3', 'Asia/Shanghai')).toEqual({ fromMs: utc('2026-06-30T16:00:00Z'), toMs: utc('2026-09-30T16:00:00Z') });
    expect(periodBounds('2026-Q1', 'UTC')).toEqual({ fromMs: utc('2026-01-01T00:00:00Z'), toMs: utc('2026-04-01T00:00:00Z') });
  });

  it('ends the fourth quarter, December and the year at the next year\'s first midnight', () => {
    const next = utc('2026-12-31T16:00:00Z');
    expect(periodBounds('2026-Q4', 'Asia/Shanghai')).toEqual({ fromMs: utc('2026-09-30T16:00:00Z'), toMs: next });
    expect(periodBounds('2026-12', 'Asia/Shanghai')).toEqual({ fromMs: utc('2026-11-30T16:00:00Z'), toMs: next });
    expect(periodBounds('2026', 'Asia/Shanghai')).toEqual({ fromMs: utc('2025-12-31T16:00:00Z'), toMs: next });
  });

  it('reads a month, with the zone\'s offset at each end (New York changes to daylight time in March)', () => {
    expect(periodBounds('2026-10', 'Asia/Shanghai')).toEqual({ fromMs: utc('2026-09-30T16:00:00Z'), toMs: utc('2026-10-31T16:00:00Z') });
    expect(periodBounds('2026-03', 'America/New_York')).toEqual({ fromMs: utc('2026-03-01T05:00:00Z'), toMs: utc('2026-04-01T04:00:00Z') });
  });

  it('refuses anything else: other shapes, years out of range, unknown zones', () => {
    for (const bad of ['', '26', '2026-Q5', '2026-Q0', '2026-13', '2026-00', '2026-1', '2026-q3', '2026-Q3 ', ' 2026', '1999', '2101-01', '2026-W40', '2026-10-01']) {
      expect({ bad, bounds: periodBounds(bad, 'Asia/Shanghai') }).toEqual({ bad, bounds: null });
    }
    expect(periodBounds('2026-Q3', 'Mars/Olympus')).toBeNull();
    expect(periodBounds(undefined as unknown as string, 'UTC')).toBeNull();
    expect(isValidPeriod('2026-Q3')).toBe(true);
    expect(isValidPeriod('2026-Q9')).toBe(false);
  });
});
