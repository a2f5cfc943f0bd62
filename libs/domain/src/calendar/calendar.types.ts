/** A branch's business calendar: the clock every business-time deadline runs on. */
export interface WorkingHours {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local wall-clock time "HH:mm". */
  start: string;
  /** Local wall-clock time "HH:mm", after start. */
  end: string;
}

export interface BranchCalendar {
  /** IANA time zone, e.g. "Asia/Shanghai". */
  timezone: string;
  /** One entry per working weekday; a weekday without an entry is a day off. */
  workingHours: WorkingHours[];
  /** Local dates "YYYY-MM-DD" that are days off even if their weekday works. */
  holidays: string[];
  /** 调休: local dates "YYYY-MM-DD" that are working days even if their weekday is off. */
  makeUpWorkdays: string[];
}
