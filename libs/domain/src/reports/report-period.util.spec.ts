import { halfMonthBounds, previousReportPeriod, reportPeriodBounds, reportPeriodKind, reportTimeZone } from './report-period.util';

const sh = (iso: string): number => Date.parse(`${iso}+08:00`);

describe('report periods', () => {
  it('reads days, months, quarters and years, and nothing else', () => {
    expect(reportPeriodKind('2026-10-09')).toBe('DAY');
    expect(reportPeriodKind('2026-10')).toBe('MONTH');
    expect(reportPeriodKind('2026-Q3')).toBe('QUARTER');
    expect(reportPeriodKind('2026')).toBe('YEAR');
    for (const bad of ['2026-02-30', '2026-13', '2026-Q5', '1999', '2026-1', '26-10-09', '']) expect(reportPeriodKind(bad)).toBeNull();
  });

  it('bounds a day and a month at local midnights', () => {
    expect(reportPeriodBounds('2026-10-09', 'Asia/Shanghai')).toEqual({ fromMs: sh('2026-10-09T00:00:00'), toMs: sh('2026-10-10T00:00:00') });
    expect(reportPeriodBounds('2026-12-31', 'Asia/Shanghai')).toEqual({ fromMs: sh('2026-12-31T00:00:00'), toMs: sh('2027-01-01T00:00:00') });
    expect(reportPeriodBounds('2026-10', 'Asia/Shanghai')).toEqual({ fromMs: sh('2026-10-01T00:00:00'), toMs: sh('2026-11-01T00:00:00') });
    expect(reportPeriodBounds('2026-10', 'Nowhere/City')).toBeNull();
  });

  it('splits a month into halves at the 16th', () => {
    expect(halfMonthBounds('2026-02', 1, 'Asia/Shanghai')).toEqual({ fromMs: sh('2026-02-01T00:00:00'), toMs: sh('2026-02-16T00:00:00') });
    expect(halfMonthBounds('2026-02', 2, 'Asia/Shanghai')).toEqual({ fromMs: sh('2026-02-16T00:00:00'), toMs: sh('2026-03-01T00:00:00') });
    expect(halfMonthBounds('2026-02', 3, 'Asia/Shanghai')).toBeNull();
    expect(halfMonthBounds('2026-Q1', 1, 'Asia/Shanghai')).toBeNull();
  });

  it('names the period just before', () => {
    expect(previousReportPeriod('2026-Q1')).toBe('2025-Q4');
    expect(previousReportPeriod('2026-Q3')).toBe('2026-Q2');
    expect(previousReportPeriod('2026-01')).toBe('2025-12');
    expect(previousReportPeriod('2026-03-01')).toBe('2026-02-28');
    expect(previousReportPeriod('2026')).toBe('2025');
    expect(previousReportPeriod('2000')).toBeNull();
  });

  it('reports in the branches\' shared zone, else in Asia/Shanghai', () => {
    expect(reportTimeZone(['Asia/Urumqi', 'Asia/Urumqi'])).toBe('Asia/Urumqi');
    expect(reportTimeZone(['Asia/Urumqi', 'Asia/Shanghai'])).toBe('Asia/Shanghai');
    expect(reportTimeZone([])).toBe('Asia/Shanghai');
  });
});
