/** What building a daily report gave: the date reported, when its reading time ends, how many it was addressed to. */
export interface DailyReportBuilt {
  /** "YYYY-MM-DD" in the branch's time zone. */
  date: string;
  /** Epoch ms: built + the policy's readWithin. */
  dueAt: number;
  recipients: number;
  /** false when the report for the date was already built (a retry, or a second run): nothing changed. */
  built: boolean;
  /** false when the tenant's policy switches the daily report off: nothing was built. */
  enabled: boolean;
}

export interface DailyReportReminded {
  /** Recipients who had not read the report when it fell due (the line on the branch manager's report). */
  unreadAfterDue: string[];
  /** How many of them were reminded by this call (0 when a previous call already did). */
  reminded: number;
}

export interface DailyReportActivities {
  /**
   * Builds the branch's report for `date` (default: the day before `at` in `timezone`) once: the
   * figures as a snapshot and a receipt for each of the branch's staff. Idempotent by (branch, date).
   */
  buildDailyReport(args: { tenantId: string; branchId: string; timezone: string; at: number; date?: string }): Promise<DailyReportBuilt>;
  /** Once the report is due: reminds every recipient who has not read it and records who they are. Idempotent. */
  remindUnreadDailyReport(args: { tenantId: string; branchId: string; date: string; at: number }): Promise<DailyReportReminded>;
}
