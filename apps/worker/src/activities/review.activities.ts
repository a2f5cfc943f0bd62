import { DataSource } from 'typeorm';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import { addDaysToLocalDate, isoWeekday, localDate, zonedToInstant } from '../../../../libs/domain/src/calendar/zoned-time.util';
import type { ReviewActivities, WeeklyReviewResult } from './review.activities.types';

/** The Monday review: every complaint still open that was received before this week began. */
export class ReviewActivitiesService implements ReviewActivities {
  constructor(private readonly dataSource: DataSource) {}

  async recordWeeklyReview(args: { tenantId: string; timezone: string; at: number }): Promise<WeeklyReviewResult> {
    const today = localDate(args.at, args.timezone);
    const thisMonday = addDaysToLocalDate(today, 1 - isoWeekday(today));
    const weekStart = addDaysToLocalDate(thisMonday, -7);
    const [y, m, d] = thisMonday.split('-').map(Number);
    const cutoff = new Date(zonedToInstant({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0, millisecond: 0 }, args.timezone));
    return tenantTransaction(this.dataSource, args.tenantId, async (m) => {
      const rows: { id: string; branch_code: string; overdue: boolean }[] = await m.query(
        `SELECT c.id, b.code AS branch_code, c.overdue FROM complaints c JOIN branches b ON b.id = c.branch_id
          WHERE c.tenant_id = $1 AND c.received_at < $2 AND c.status NOT IN ('CLOSED', 'WITHDRAWN', 'MERGED')
          ORDER BY c.received_at`,
        [args.tenantId, cutoff],
      );
      const byBranch: Record<string, { open: number; overdue: number }> = {};
      for (const r of rows) {
        const b = (byBranch[r.branch_code] ??= { open: 0, overdue: 0 });
        b.open += 1;
        if (r.overdue) b.overdue += 1;
      }
      const result = { weekStart, openCount: rows.length, overdueCount: rows.filter((r) => r.overdue).length };
      // One review per tenant and week: a retried or re-triggered run replaces its own row.
      await m.query(
        `INSERT INTO weekly_reviews (tenant_id, week_start, reviewed_at, open_count, overdue_count, by_branch, complaint_ids)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)
         ON CONFLICT (tenant_id, week_start) DO UPDATE SET reviewed_at = EXCLUDED.reviewed_at, open_count = EXCLUDED.open_count,
           overdue_count = EXCLUDED.overdue_count, by_branch = EXCLUDED.by_branch, complaint_ids = EXCLUDED.complaint_ids`,
        [args.tenantId, weekStart, new Date(args.at), result.openCount, result.overdueCount, JSON.stringify(byBranch), JSON.stringify(rows.map((r) => r.id))],
      );
      return result;
    });
  }
}
