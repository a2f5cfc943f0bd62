import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Not } from 'typeorm';
import { reachesBranch, seesBranch } from '../../../../libs/domain/src/permissions/permission.util';
import type { Role } from '../../../../libs/domain/src/enums';
import { BranchEntity, DailyReportEntity, DailyReportReceiptEntity } from '../../../../libs/persistence/src/entities';
import type { ReportFigures } from '../../../../libs/persistence/src/report.repository';
import { TenantScopedRepository } from '../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../common/app-error';
import { InjectDataSource } from '../common/database.provider';
import { OrganisationService } from '../organisation/services/organisation.service';
import { DailyReportSnapshotDto, ReportReceiptDto } from './daily-report.dto';
import { figuresDto } from './services/reports.service';

/** Who may list a branch's receipts and read anyone's copy: its branch manager and those above. */
const RECEIPT_READERS: readonly Role[] = ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'];

/**
 * The daily complaint report's read receipts (003 八.1). The worker builds the report and addresses it
 * (apps/worker/src/activities/daily-report.activities.ts); here staff mark their copy read, and the
 * branch manager and those above see who has.
 */
@Injectable()
export class DailyReportService {
  private readonly reports: TenantScopedRepository<DailyReportEntity>;
  private readonly receipts: TenantScopedRepository<DailyReportReceiptEntity>;

  constructor(@InjectDataSource() ds: DataSource, private readonly org: OrganisationService) {
    this.reports = new TenantScopedRepository(ds, DailyReportEntity);
    this.receipts = new TenantScopedRepository(ds, DailyReportReceiptEntity);
  }

  /**
   * The caller marks their own copy read; the first read time stands (a second call returns it
   * unchanged). NOT_FOUND when no report for that date was addressed to them, or the branch is
   * outside their reach or another tenant's.
   */
  async markRead(p: Principal, date: string, branchId: string): Promise<ReportReceiptDto> {
    const tenantId = tenantOf(p);
    await this.branchInReach(p, branchId);
    const mine = { branchId, date, userId: p.userId };
    if (!(await this.receipts.findOne(tenantId, mine))) throw new NotFoundError('daily report');
    await this.receipts.update(tenantId, { ...mine, readAt: IsNull() }, { readAt: new Date() });
    const receipt = await this.receipts.findOne(tenantId, mine);
    if (!receipt) throw new NotFoundError('daily report');
    return toReceiptDto(receipt);
  }

  /** Every recipient's receipt: the branch manager of the branch and above; other staff FORBIDDEN; outside reach NOT_FOUND. */
  async receiptsOf(p: Principal, date: string, branchId: string): Promise<ReportReceiptDto[]> {
    const tenantId = tenantOf(p);
    const branch = await this.branchInReach(p, branchId);
    if (!reachesBranch(p, branch, RECEIPT_READERS)) throw new ForbiddenError('only the branch manager and those above see who has read the daily report');
    const rows = await this.receipts.find(tenantId, { branchId, date }, { order: { userId: 'ASC' } });
    return rows.map(toReceiptDto);
  }

  /**
   * The report as built (null before it is): for its recipients and for the branch manager and above.
   * Other staff of the branch FORBIDDEN; outside reach NOT_FOUND.
   */
  async snapshot(p: Principal, date: string, branchId: string): Promise<DailyReportSnapshotDto | null> {
    const tenantId = tenantOf(p);
    const branch = await this.branchInReach(p, branchId);
    const manager = reachesBranch(p, branch, RECEIPT_READERS);
    if (!manager && !(await this.receipts.findOne(tenantId, { branchId, date, userId: p.userId }))) {
      // A recipient role at the branch with no copy for this date (not yet built, or granted since): nothing to show.
      if (reachesBranch(p, branch, ['DISPATCHER', 'HANDLER'])) return null;
      throw new ForbiddenError('the daily report is for the branch\'s staff and those above them');
    }
    const report = await this.reports.findOne(tenantId, { branchId, date });
    if (!report) return null;
    const read = await this.receipts.count(tenantId, { branchId, date, readAt: Not(IsNull()) });
    // Stored as the reporting repository computed them (libs/persistence/src/report.repository.ts).
    const figures = {
      ...figuresDto(report.figures as unknown as ReportFigures),
      branch: { id: branch.id, code: branch.code, name: branch.name, timezone: branch.timezone, tenantId: branch.tenantId, companyId: branch.companyId },
      company: null,
    };
    return {
      tenantId, branchId, date: report.date, figures, builtAt: report.builtAt, due: report.dueAt, recipients: report.recipients, read,
      unreadAfterDueIds: report.unreadAfterDue ?? [],
    };
  }

  private async branchInReach(p: Principal, branchId: string): Promise<BranchEntity> {
    const branch = await this.org.branch(tenantOf(p), branchId);
    if (!branch || !seesBranch(p, branch)) throw new NotFoundError('branch');
    return branch;
  }
}

function toReceiptDto(r: DailyReportReceiptEntity): ReportReceiptDto {
  return { tenantId: r.tenantId, userId: r.userId, branchId: r.branchId, date: r.date, readAt: r.readAt, due: r.dueAt, remindedAt: r.remindedAt };
}
