import { BranchCalendar } from './calendar.types';
import { formatLocalDate, parseLocalDate } from './zoned-time.util';

/** One year of mainland China's public holidays (every day off, weekends included) and 调休 make-up workdays. */
export interface ChinaHolidayYear {
  holidays: readonly string[];
  makeUpWorkdays: readonly string[];
}

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = parseLocalDate(from); d <= parseLocalDate(to); d++) out.push(formatLocalDate(d));
  return out;
}

function year(spans: [string, string][], makeUpWorkdays: string[]): ChinaHolidayYear {
  return Object.freeze({
    holidays: Object.freeze(spans.flatMap(([from, to]) => range(from, to))),
    makeUpWorkdays: Object.freeze([...makeUpWorkdays]),
  });
}

/**
 * Mainland China's official holiday arrangements (放假调休), as published by the State Council
 * General Office. Each holiday span lists every day off, weekends inside it included; make-up
 * workdays (调休上班) are the weekend days that become working days.
 * Add a year here when its notice comes out (usually in November of the year before).
 */
export const CHINA_HOLIDAYS: Readonly<Record<number, ChinaHolidayYear>> = Object.freeze({
  // 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号 (2024-11-12).
  2025: year(
    [
      ['2025-01-01', '2025-01-01'], // 元旦 (Wed, one day, no make-up)
      ['2025-01-28', '2025-02-04'], // 春节
      ['2025-04-04', '2025-04-06'], // 清明节
      ['2025-05-01', '2025-05-05'], // 劳动节
      ['2025-05-31', '2025-06-02'], // 端午节
      ['2025-10-01', '2025-10-08'], // 国庆节、中秋节
    ],
    ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  ),
  // 国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号 (2025-11-04, Xinhua).
  2026: year(
    [
      ['2026-01-01', '2026-01-03'], // 元旦
      ['2026-02-15', '2026-02-23'], // 春节
      ['2026-04-04', '2026-04-06'], // 清明节
      ['2026-05-01', '2026-05-05'], // 劳动节
      ['2026-06-19', '2026-06-21'], // 端午节
      ['2026-09-25', '2026-09-27'], // 中秋节
      ['2026-10-01', '2026-10-07'], // 国庆节
    ],
    ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  ),
});

// Mainland zones (current and legacy names) the national arrangements apply to; Hong Kong and
// Macau keep their own holidays.
const MAINLAND_CHINA_ZONES = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'Asia/Urumqi', 'PRC']);

/**
 * The calendar a branch gets until it sets its own: Monday–Friday 09:00–18:00 in `timezone`
 * (one span per weekday, so the lunch break is working time), with mainland China's holidays
 * and make-up workdays of every year in {@link CHINA_HOLIDAYS} when the zone is a mainland China
 * zone (Asia/Shanghai by default), none otherwise. Returns fresh arrays.
 */
export function defaultBranchCalendar(timezone = 'Asia/Shanghai'): BranchCalendar {
  const china = MAINLAND_CHINA_ZONES.has(timezone);
  const years = china ? Object.values(CHINA_HOLIDAYS) : [];
  return {
    timezone,
    workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })),
    holidays: years.flatMap((y) => [...y.holidays]),
    makeUpWorkdays: years.flatMap((y) => [...y.makeUpWorkdays]),
  };
}
