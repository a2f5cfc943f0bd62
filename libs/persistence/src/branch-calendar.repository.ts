import { DataSource } from 'typeorm';
import type { BranchCalendar } from '../../domain/src/calendar/calendar.types';
import { tenantTransaction } from './tenant-transaction';

/** SQL over `branches`: the id of the branch's latest calendar change (row version, then the calendar's digest). */
export const BRANCH_CALENDAR_CHANGE_ID_SQL = `xmin::text || '-' || left(md5(calendar::text), 12)`;

/**
 * A branch's calendar writes, tenant first like every scoped repository: the write and the id of
 * the change it made (what the calendar propagation is keyed by).
 */
export class BranchCalendarRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Replaces the branch's calendar and returns the change id, or null when the branch is not the
   * tenant's. Writing the calendar the branch already has changes nothing and returns the same id
   * (the row's xmin is unchanged), so a retried request maps to the same propagation.
   */
  async replaceCalendar(tenantId: string, branchId: string, calendar: BranchCalendar): Promise<string | null> {
    return tenantTransaction(this.ds, tenantId, async (m) => {
      // A CTE, because TypeORM answers a bare UPDATE … RETURNING as [rows, count].
      const written: { change_id: string }[] = await m.query(
        `WITH w AS (UPDATE branches SET calendar = $3::jsonb, timezone = $4 WHERE id = $1 AND tenant_id = $2 AND calendar IS DISTINCT FROM $3::jsonb
         RETURNING ${BRANCH_CALENDAR_CHANGE_ID_SQL} AS change_id) SELECT change_id FROM w`,
        [branchId, tenantId, JSON.stringify(calendar), calendar.timezone],
      );
      if (written.length) return written[0].change_id;
      const [current]: { change_id: string }[] = await m.query(
        `SELECT ${BRANCH_CALENDAR_CHANGE_ID_SQL} AS change_id FROM branches WHERE id = $1 AND tenant_id = $2`, [branchId, tenantId],
      );
      return current?.change_id ?? null;
    });
  }
}
