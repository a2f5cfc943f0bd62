// Rules for what a client may type or send as a date. Pure: the gateway's validators call these, and
// anything that reaches the read model, the workflow history or a log line has passed them.

/** Free text that is one line (names, codes, keys) or may span lines (descriptions, notes). */
export interface TextRule {
  /** Longest allowed, in characters (Unicode code points: 张 is one, 😀 is one). */
  max: number;
  /** Shortest allowed after trimming; 1 (the default) also refuses whitespace-only text. */
  min?: number;
  /** Refuses newlines and tabs too (names, references, keys). */
  singleLine?: boolean;
}

export type TextCheck = { ok: true; value: string } | { ok: false; reason: string };

// C0 and C1 control characters except tab (U+0009) and newline (U+000A); ESC (U+001B) and CSI (U+009B)
// are among them, so no ANSI escape sequence can get through.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
const LINE_BREAK_OR_TAB = /[\t\n\u2028\u2029]/u;
// Bidirectional embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls: they make a
// name display as something other than what it is.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
// A lone UTF-16 surrogate (not half of a pair) is not a Unicode character; PostgreSQL refuses it.
const LONE_SURROGATE = /\p{Cs}/u;
const NONCHARACTER = /\p{Noncharacter_Code_Point}/u;
// Text made only of spaces, line breaks and invisible format characters (zero-width space, BOM…).
const BLANK = /^[\s\p{Z}\p{Cf}]*$/u;

/** Length in characters (code points), not UTF-16 units or bytes. */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The stored form of free text: Windows and old-Mac line breaks become "\n", Unicode NFC (so "é"
 * typed two ways is one string), surrounding whitespace trimmed. Text with a lone surrogate is
 * returned unchanged (normalising it would hide the problem `checkText` reports).
 */
export function normalizeText(text: string): string {
  if (LONE_SURROGATE.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

/** Normalises `text` and checks it against the rule; the reason is a sentence fragment ("must …"). */
export function checkText(text: string, rule: TextRule): TextCheck {
  if (LONE_SURROGATE.test(text)) return { ok: false, reason: 'must be valid Unicode text (it contains a lone surrogate)' };
  const value = normalizeText(text);
  if (value.includes('\u0000')) return { ok: false, reason: 'must not contain NUL characters' };
  if (CONTROL.test(value)) return { ok: false, reason: 'must not contain control characters or terminal escape sequences' };
  if (BIDI_CONTROL.test(value)) return { ok: false, reason: 'must not contain right-to-left or left-to-right override characters' };
  if (NONCHARACTER.test(value)) return { ok: false, reason: 'must not contain Unicode noncharacters' };
  if (rule.singleLine && LINE_BREAK_OR_TAB.test(value)) return { ok: false, reason: 'must be a single line (no line breaks or tabs)' };
  const min = rule.min ?? 1;
  if (min > 0 && BLANK.test(value)) return { ok: false, reason: 'must not be blank' };
  const length = characterCount(value);
  if (length < min || length > rule.max) return { ok: false, reason: `must be ${min} to ${rule.max} characters (it has ${length})` };
  return { ok: true, value };
}

/** A year, month (1–12) and day that exist together in the proleptic Gregorian calendar. */
export function isRealCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|([+-])(\d{2}):?(\d{2}))?$/;

export type InstantParse = { ok: true; value: Date } | { ok: false; reason: string };

/** Parses "YYYY-MM-DD" as a calendar date (no time); refuses 2026-02-30 instead of rolling it over. */
export function parseCalendarDate(text: string): { ok: true; year: number; month: number; day: number } | { ok: false; reason: string } {
  const m = DATE_ONLY.exec(text);
  if (!m) return { ok: false, reason: 'must be a date written YYYY-MM-DD, e.g. 2026-10-01' };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealCalendarDate(year, month, day)) return { ok: false, reason: `must be a real calendar date (${text} does not exist)` };
  return { ok: true, year, month, day };
}

/**
 * Parses an ISO-8601 instant strictly: a four-digit year, a real calendar date and clock time, and
 * an offset ("Z" or "+08:00") whenever a time is given (without one, the instant would depend on
 * the server's zone). A date alone means its midnight UTC. Nothing is rolled over.
 */
export function parseInstant(text: string): InstantParse {
  const date = DATE_ONLY.exec(text);
  const m = date ? null : DATE_TIME.exec(text);
  if (!date && !m) {
    return { ok: false, reason: 'must be an ISO-8601 date-time with an offset, e.g. 2026-03-01T09:30:00+08:00 or 2026-03-01T01:30:00Z' };
  }
  const parts = (date ?? m) as RegExpExecArray;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!isRealCalendarDate(year, month, day)) return { ok: false, reason: `must be a real calendar date (${parts[1]}-${parts[2]}-${parts[3]} does not exist)` };
  if (date) {
    const midnight = new Date(0);
    midnight.setUTCFullYear(year, month - 1, day);
    return { ok: true, value: midnight };
  }
  const [hour, minute, second] = [Number(parts[4]), Number(parts[5]), Number(parts[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: `must be a real time of day (${parts[4]}:${parts[5]}${parts[6] ? `:${parts[6]}` : ''} does not exist)` };
  if (!parts[8]) return { ok: false, reason: 'must say its offset from UTC, e.g. 2026-03-01T09:30:00+08:00 or …Z' };
  let offsetMinutes = 0;
  if (parts[9]) {
    const [oh, om] = [Number(parts[10]), Number(parts[11])];
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return { ok: false, reason: 'must have an offset between -14:00 and +14:00' };
    offsetMinutes = (parts[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = parts[7] ? Math.floor(Number(`0${parts[7]}`) * 1000) : 0;
  // setUTCFullYear, unlike Date.UTC, does not map the years 0–99 to 1900–1999.
  const value = new Date(0);
  value.setUTCFullYear(year, month - 1, day);
  value.setUTCHours(hour, minute, second, ms);
  value.setTime(value.getTime() - offsetMinutes * 60_000);
  return { ok: true, value };
}

/** A window around `now`: how far back and ahead an instant may be. */
export interface InstantWindow {
  /** Earliest allowed: milliseconds before now. */
  pastMs: number;
  /** Latest allowed: milliseconds after now. */
  futureMs: number;
}

/** Checks that `at` lies within the window around `now`; the reason names the bound it broke. */
export function checkInstantWindow(at: Date, now: Date, window: InstantWindow): { ok: true } | { ok: false; reason: string } {
  const t = at.getTime();
  if (Number.isNaN(t)) return { ok: false, reason: 'must be a valid date-time' };
  const earliest = now.getTime() - window.pastMs;
  const latest = now.getTime() + window.futureMs;
  if (t < earliest) return { ok: false, reason: `must not be before ${new Date(earliest).toISOString()}` };
  if (t > latest) {
    return { ok: false, reason: window.futureMs <= 10 * 60_000 ? 'must not be in the future' : `must not be after ${new Date(latest).toISOString()}` };
  }
  return { ok: true };
}

/** Checks that `at` falls in the years [fromYear, toYear] (UTC). */
export function checkYearRange(at: Date, fromYear: number, toYear: number): { ok: true } | { ok: false; reason: string } {
  const t = at.getTime();
  if (Number.isNaN(t)) return { ok: false, reason: 'must be a valid date-time' };
  const year = at.getUTCFullYear();
  if (year < fromYear || year > toYear) return { ok: false, reason: `must be between the years ${fromYear} and ${toYear}` };
  return { ok: true };
}
