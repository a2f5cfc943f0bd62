import { Injectable, Logger } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { validateCalendar } from '../../../../../libs/domain/src/calendar/calendar-validation.util';
import type { BranchCalendar } from '../../../../../libs/domain/src/calendar/calendar.types';
import { BranchEntity } from '../../../../../libs/persistence/src/entities';
import { complaintWorkflowId } from '../../../../../workflows/shared/ids';
import { calendarChangedSignal } from '../../../../../workflows/shared/updates';
import { tenantOf } from '../../auth/auth.service';
import { Principal, hasRoleForBranch } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { BranchCalendarInput } from '../dtos/calendar.input';

const SIGNAL_CONCURRENCY = 16;

/** Branch calendars: the clock every business-time deadline of the branch runs on. */
@Injectable()
export class CalendarService {
  private readonly logger = new Logger('Calendar');

  constructor(@InjectDataSource() private readonly ds: DataSource, private readonly temporal: TemporalClientProvider) {}

  /**
   * Replaces the branch's calendar and tells every running complaint of the branch, whose
   * workflow re-computes the deadlines that have not fired yet.
   */
  async setBranchCalendar(p: Principal, branchId: string, input: BranchCalendarInput): Promise<BranchEntity> {
    const tenantId = tenantOf(p);
    const branch = await this.ds.getRepository(BranchEntity).findOneBy({ tenantId, id: branchId });
    if (!branch || !(p.wholeTenant || p.branchIds.includes(branch.id))) throw new NotFoundError('branch');
    if (!hasRoleForBranch(p, ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'], branch)) {
      throw new ForbiddenError('only the head office, the company manager or the branch manager sets a branch calendar');
    }
    const calendar: BranchCalendar = {
      timezone: input.timezone,
      workingHours: input.workingHours.map((w) => ({ weekday: w.weekday, start: w.start, end: w.end })),
      holidays: [...new Set(input.holidays ?? [])].sort(),
      makeUpWorkdays: [...new Set(input.makeUpWorkdays ?? [])].sort(),
    };
    const issues = validateCalendar(calendar);
    // Field paths as everywhere else in the API: "calendar.workingHours.0.start".
    const field = (path: string): string => (path ? `calendar.${path.replace(/\[(\d+)\]/g, '.$1')}` : 'calendar');
    if (issues.length) throw new BadUserInputError(issues.map((i) => ({ field: field(i.path), message: i.message })));
    // Signals need Temporal: fail before changing anything rather than leave complaints on the old calendar.
    const client = await this.temporal.get();
    await this.ds.query(`UPDATE branches SET calendar = $3::jsonb, timezone = $4 WHERE id = $1 AND tenant_id = $2`, [
      branch.id, tenantId, JSON.stringify(calendar), calendar.timezone,
    ]);
    const open: { id: string }[] = await this.ds.query(
      `SELECT id FROM complaints WHERE tenant_id = $1 AND branch_id = $2 AND status NOT IN ('CLOSED', 'WITHDRAWN', 'MERGED')`,
      [tenantId, branch.id],
    );
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < open.length) {
        const { id } = open[next++];
        try {
          await client.workflow.getHandle(complaintWorkflowId(tenantId, id)).signal(calendarChangedSignal, { calendar, changedBy: p.userId });
        } catch (err) {
          // A complaint that closed meanwhile has no clock left to move.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SIGNAL_CONCURRENCY, open.length) }, worker));
    this.logger.log(`branch ${branch.code}: calendar changed, ${open.length} running complaint(s) rescheduled`);
    return this.ds.getRepository(BranchEntity).findOneByOrFail({ tenantId, id: branch.id });
  }
}
