import { BranchCalendar } from './calendar.types';
import { isValidLocalDate, isValidTimeZone, parseWallTime } from './zoned-time.util';

/** A problem in a branch calendar, located by its JSON path (e.g. "workingHours[2].end"). */
export interface CalendarIssue {
  path: string;
  message: string;
}

/**
 * Every problem in a calendar (empty when valid): an IANA time zone; at least one working
 * weekday; weekdays 1..7 and unique; "HH:mm" times with start < end ("24:00" allowed as an end);
 * "YYYY-MM-DD" dates; no date both a holiday and a make-up workday.
 */
export function validateCalendar(cal: BranchCalendar): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  if (!cal || typeof cal !== 'object') return [{ path: '', message: 'must be a calendar object' }];

  if (typeof cal.timezone !== 'string' || !isValidTimeZone(cal.timezone)) {
    issues.push({ path: 'timezone', message: `${JSON.stringify(cal.timezone)} is not an IANA time zone` });
  }

  if (!Array.isArray(cal.workingHours)) {
    issues.push({ path: 'workingHours', message: 'must be a list' });
  } else {
    if (cal.workingHours.length === 0) {
      issues.push({ path: 'workingHours', message: 'at least one weekday must have working hours' });
    }
    const seen = new Set<number>();
    cal.workingHours.forEach((wh, i) => {
      const at = `workingHours[${i}]`;
      if (!Number.isInteger(wh?.weekday) || wh.weekday < 1 || wh.weekday > 7) {
        issues.push({ path: `${at}.weekday`, message: 'must be an ISO weekday 1 (Monday) … 7 (Sunday)' });
      } else if (seen.has(wh.weekday)) {
        issues.push({ path: `${at}.weekday`, message: `weekday ${wh.weekday} has more than one entry` });
      } else {
        seen.add(wh.weekday);
      }
      const start = parseWallTime(wh?.start);
      const end = parseWallTime(wh?.end, true);
      if (Number.isNaN(start)) issues.push({ path: `${at}.start`, message: 'must be a time "HH:mm" from 00:00 to 23:59' });
      if (Number.isNaN(end)) issues.push({ path: `${at}.end`, message: 'must be a time "HH:mm" from 00:01 to 24:00' });
      if (!Number.isNaN(start) && !Number.isNaN(end) && start >= end) {
        issues.push({ path: `${at}.end`, message: 'must be after start' });
      }
    });
  }

  const checkDates = (name: 'holidays' | 'makeUpWorkdays'): Set<string> => {
    const list = cal[name];
    const valid = new Set<string>();
    if (!Array.isArray(list)) {
      issues.push({ path: name, message: 'must be a list' });
      return valid;
    }
    list.forEach((s, i) => {
      if (isValidLocalDate(s)) valid.add(s);
      else issues.push({ path: `${name}[${i}]`, message: `${JSON.stringify(s)} is not a date "YYYY-MM-DD"` });
    });
    return valid;
  };
  const holidays = checkDates('holidays');
  checkDates('makeUpWorkdays');
  if (Array.isArray(cal.makeUpWorkdays)) {
    cal.makeUpWorkdays.forEach((s, i) => {
      if (holidays.has(s)) {
        issues.push({ path: `makeUpWorkdays[${i}]`, message: `${s} is both a holiday and a make-up workday` });
      }
    });
  }
  return issues;
}
