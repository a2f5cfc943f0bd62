import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { reportReachesBranch, reportScope } from '../../../../../libs/domain/src/permissions/permission.util';
import {
  halfMonthBounds, previousReportPeriod, reportPeriodBounds, reportPeriodKind, reportTimeZone,
} from '../../../../../libs/domain/src/reports/report-period.util';
import type { PeriodBounds } from '../../../../../libs/domain/src/work-order/period.util';
import { BranchEntity, CompanyEntity, ComplaintEntity } from '../../../../../libs/persistence/src/entities';
import {
  BranchFigures, RankedBranch, ReportFigures, ReportQuery, escalationReview, overdueComplaintIds, rankBranches, reportFigures,
  reportFiguresWithBranches, specialistScores, stageTimes,
} from '../../../../../libs/persistence/src/report.repository';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';
import { inComplaintScopeOf, toDto } from '../../complaints/services/complaints.service';
import { BranchDto, CompanyDto } from '../../organisation/dtos/organisation.dto';
import {
  BranchReportDto, EscalationReviewDto, EscalationReviewItemDto, ReportFiguresDto, SpecialistScoreDto, StageTimeDto,
} from '../dtos/report.dto';

/** Where a report looks: the caller's tenant, narrowed to a company or a branch they reach. */
export interface ReportScopeArgs {
  companyId?: string | null;
  branchId?: string | null;
}

/** A resolved scope: the repository's filter, the branches it covers and the zone it is counted in. */
interface ResolvedScope {
  tenantId: string;
  companyIds: string[] | null;
  branchIds: string[] | null;
  branches: BranchEntity[];
  timeZone: string;
  /** The branch or company asked for (shown on the figures). */
  branch: BranchEntity | null;
  company: CompanyEntity | null;
}

export const REPORT_REFUSAL = 'reports are for the head office, company managers, branch managers and dispatchers';

/**
 * The reports of domain.md §7 (definitions in ../dtos/report.dto.ts), scoped like the complaints:
 * HEAD_OFFICE the whole tenant, COMPANY_MANAGER their companies, BRANCH_MANAGER and DISPATCHER their
 * branches; handlers and contractors are refused; a company or branch outside the caller's reach (or
 * another tenant's) is NOT_FOUND. The GraphQL resolvers and the console's xlsx export both call it.
 */
@Injectable()
export class ReportsService {
  private readonly branchRepo: TenantScopedRepository<BranchEntity>;
  private readonly companyRepo: TenantScopedRepository<CompanyEntity>;
  private readonly complaintRepo: TenantScopedRepository<ComplaintEntity>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.branchRepo = new TenantScopedRepository(ds, BranchEntity);
    this.companyRepo = new TenantScopedRepository(ds, CompanyEntity);
    this.complaintRepo = new TenantScopedRepository(ds, ComplaintEntity);
  }

  /** monthlyReport(month "2026-10", companyId?, branchId?) */
  async monthly(p: Principal, a: { month: string } & ReportScopeArgs): Promise<ReportFiguresDto> {
    const scope = await this.resolve(p, a);
    const bounds = this.bounds(reportPeriodKind(a.month) === 'MONTH' ? reportPeriodBounds(a.month, scope.timeZone) : null, 'month', 'a month "YYYY-MM"');
    return this.figures(scope, bounds);
  }

  /** dailyReport(date "2026-10-09", branchId?): the day in the branch's time zone. */
  async daily(p: Principal, a: { date: string; branchId?: string | null }): Promise<ReportFiguresDto> {
    const scope = await this.resolve(p, { branchId: a.branchId });
    const bounds = this.bounds(reportPeriodKind(a.date) === 'DAY' ? reportPeriodBounds(a.date, scope.timeZone) : null, 'date', 'a real day "YYYY-MM-DD"');
    return this.figures(scope, bounds);
  }

  /** halfMonthlyReport(month, half 1|2, companyId?, branchId?): days 1–15, or the 16th to the month's end. */
  async halfMonthly(p: Principal, a: { month: string; half: number } & ReportScopeArgs): Promise<ReportFiguresDto> {
    if (a.half !== 1 && a.half !== 2) throw new BadUserInputError([{ field: 'half', message: 'half must be 1 or 2' }]);
    const scope = await this.resolve(p, a);
    return this.figures(scope, this.bounds(halfMonthBounds(a.month, a.half, scope.timeZone), 'month', 'a month "YYYY-MM"'));
  }

  /** The figures of any period ("2026", "2026-Q3", "2026-10", "2026-10-09") for the scope (the console and the export use it). */
  async periodFigures(p: Principal, a: { period: string } & ReportScopeArgs): Promise<ReportFiguresDto> {
    const scope = await this.resolve(p, a);
    return this.figures(scope, this.periodBounds(a.period, scope.timeZone));
  }

  /** branchRanking(period, companyId?): every branch of the scope, by satisfaction rate (003 第三部分). */
  async branchRanking(p: Principal, a: { period: string; companyId?: string | null }): Promise<BranchReportDto[]> {
    const scope = await this.resolve(p, { companyId: a.companyId });
    const bounds = this.periodBounds(a.period, scope.timeZone, ['YEAR', 'QUARTER', 'MONTH']);
    const previous = previousReportPeriod(a.period);
    const prevBounds = previous ? reportPeriodBounds(previous, scope.timeZone) : null;
    const [current, before] = await Promise.all([
      reportFiguresWithBranches(this.ds, scope.tenantId, this.reportQuery(scope, bounds)),
      prevBounds ? reportFiguresWithBranches(this.ds, scope.tenantId, this.reportQuery(scope, prevBounds)) : Promise.resolve({ branches: [] as BranchFigures[] }),
    ]);
    return this.branchReports(scope, rankBranches(current.branches, before.branches));
  }

  /** quarterlyEscalationReview(quarter, companyId?): every HOT or MAJOR complaint of the quarter, with figures by branch. */
  async quarterlyEscalationReview(p: Principal, a: { quarter: string; companyId?: string | null }): Promise<EscalationReviewDto> {
    const scope = await this.resolve(p, { companyId: a.companyId });
    const bounds = this.bounds(reportPeriodKind(a.quarter) === 'QUARTER' ? reportPeriodBounds(a.quarter, scope.timeZone) : null, 'quarter', 'a quarter "YYYY-Qn"');
    const q = this.reportQuery(scope, bounds);
    const [both, review] = await Promise.all([
      reportFiguresWithBranches(this.ds, scope.tenantId, q),
      escalationReview(this.ds, scope.tenantId, q),
    ]);
    const complaints = await this.complaintsById(p, review.items.map((i) => i.complaintId));
    const byId = new Map(scope.branches.map((b) => [b.id, b]));
    const items: EscalationReviewItemDto[] = [];
    for (const i of review.items) {
      const complaint = complaints.get(i.complaintId);
      const branch = byId.get(i.branchId);
      if (!complaint || !branch) continue;
      items.push({
        complaint, peakSeverity: i.peakSeverity, ageDays: i.ageDays, escalationStatus: i.escalationStatus, escalations: i.escalations,
        specialReportSubmitted: i.specialReportSubmitted, branch: branchDto(branch), month: i.month,
      });
    }
    return {
      quarter: a.quarter,
      complaints: items.map((i) => i.complaint),
      figures: { ...figuresDto(both.figures), ...scopeFields(scope) },
      byBranch: this.branchReports(scope, rankBranches(both.branches, [])),
      items,
      byMonth: review.byMonth,
    };
  }

  /** specialistScorecard(period, companyId?, branchId?): closure rate per specialist (004 篇3 §4.1.6). */
  async specialistScorecard(p: Principal, a: { period: string } & ReportScopeArgs): Promise<SpecialistScoreDto[]> {
    const scope = await this.resolve(p, a);
    const rows = await specialistScores(this.ds, scope.tenantId, this.reportQuery(scope, this.periodBounds(a.period, scope.timeZone)));
    return rows.map((r) => ({ user: { id: r.userId, name: r.name, tenantId: scope.tenantId }, received: r.received, closed: r.closed, closureRate: r.closureRate }));
  }

  /** stageTimes(period, companyId?, branchId?): per deadline kind, average and 90th-percentile minutes. */
  async stageTimes(p: Principal, a: { period: string } & ReportScopeArgs): Promise<StageTimeDto[]> {
    const scope = await this.resolve(p, a);
    const rows = await stageTimes(this.ds, scope.tenantId, this.reportQuery(scope, this.periodBounds(a.period, scope.timeZone)));
    return rows.map((r) => ({
      kind: r.kind, completed: r.completed, averageMinutes: r.averageMinutes, p90Minutes: r.p90Minutes, onTimeRate: r.onTimeRate, ...scopeFields(scope),
    }));
  }

  /** overdueComplaints(companyId?, branchId?, first): open complaints past a deadline, oldest received first. */
  async overdueComplaints(p: Principal, a: ReportScopeArgs & { first?: number | null }): Promise<ComplaintDto[]> {
    const scope = await this.resolve(p, a);
    const first = Math.min(Math.max(a.first ?? 50, 1), 200);
    const ids = await overdueComplaintIds(this.ds, scope.tenantId, { companyIds: scope.companyIds, branchIds: scope.branchIds, first });
    const byId = await this.complaintsById(p, ids);
    return ids.map((id) => byId.get(id)).filter((c): c is ComplaintDto => c !== undefined);
  }

  /**
   * The caller's report scope narrowed by the arguments: FORBIDDEN without a report role; NOT_FOUND
   * for a company or branch outside their reach (another tenant's included: the tenant's row-level
   * security does not show it). Exported for the console's export, which checks the same way.
   */
  async resolve(p: Principal, a: ReportScopeArgs): Promise<ResolvedScope> {
    const tenantId = tenantOf(p);
    const reach = reportScope(p);
    if (!reach) throw new ForbiddenError(REPORT_REFUSAL);
    const all = await this.branchRepo.find(tenantId, {}, { order: { code: 'ASC' } });
    const reachable = all.filter((b) => reportReachesBranch(reach, { id: b.id, companyId: b.companyId }));
    const zoneOf = (branches: BranchEntity[]): string => reportTimeZone(branches.map((b) => b.timezone));
    const company = a.companyId ? await this.companyRepo.findOne(tenantId, { id: a.companyId }) : null;
    if (a.companyId && !company) throw new NotFoundError(a.branchId ? 'branch' : 'company');
    if (a.branchId) {
      const branch = reachable.find((b) => b.id === a.branchId);
      if (!branch || (a.companyId && branch.companyId !== a.companyId)) throw new NotFoundError('branch');
      return { tenantId, companyIds: null, branchIds: [branch.id], branches: [branch], timeZone: branch.timezone, branch, company };
    }
    if (a.companyId) {
      const ofCompany = reachable.filter((b) => b.companyId === a.companyId);
      if (reach.wholeTenant || reach.companyIds.includes(a.companyId)) {
        return { tenantId, companyIds: [a.companyId], branchIds: null, branches: ofCompany, timeZone: zoneOf(ofCompany), branch: null, company };
      }
      if (ofCompany.length === 0) throw new NotFoundError('company');
      return { tenantId, companyIds: null, branchIds: ofCompany.map((b) => b.id), branches: ofCompany, timeZone: zoneOf(ofCompany), branch: null, company };
    }
    if (reach.wholeTenant) return { tenantId, companyIds: null, branchIds: null, branches: all, timeZone: zoneOf(all), branch: null, company: null };
    return { tenantId, companyIds: null, branchIds: reachable.map((b) => b.id), branches: reachable, timeZone: zoneOf(reachable), branch: null, company: null };
  }

  private async figures(scope: ResolvedScope, bounds: PeriodBounds): Promise<ReportFiguresDto> {
    return { ...figuresDto(await reportFigures(this.ds, scope.tenantId, this.reportQuery(scope, bounds))), ...scopeFields(scope) };
  }

  private reportQuery(scope: ResolvedScope, bounds: PeriodBounds): ReportQuery {
    return { fromMs: bounds.fromMs, toMs: bounds.toMs, companyIds: scope.companyIds, branchIds: scope.branchIds, timeZone: scope.timeZone };
  }

  private bounds(b: PeriodBounds | null, field: string, what: string): PeriodBounds {
    if (!b) throw new BadUserInputError([{ field, message: `${field} must be ${what} between 2000 and 2100` }]);
    return b;
  }

  private periodBounds(period: string, timeZone: string, kinds = ['YEAR', 'QUARTER', 'MONTH', 'DAY']): PeriodBounds {
    const kind = reportPeriodKind(period);
    return this.bounds(kind && kinds.includes(kind) ? reportPeriodBounds(period, timeZone) : null, 'period', 'a year, a quarter, a month or a day');
  }

  private branchReports(scope: ResolvedScope, ranked: RankedBranch[]): BranchReportDto[] {
    const byId = new Map(scope.branches.map((b) => [b.id, b]));
    return ranked.flatMap((r) => {
      const b = byId.get(r.branchId);
      return b ? [{
        branch: branchDto(b), figures: figuresDto(r.figures), rank: r.rank, bottomThree: r.bottomThree, topImprover: r.topImprover,
        satisfactionChange: r.satisfactionChange,
      }] : [];
    });
  }

  /** The complaints among `ids` the caller may see, as the API shows them. */
  private async complaintsById(p: Principal, ids: string[]): Promise<Map<string, ComplaintDto>> {
    if (ids.length === 0) return new Map();
    const rows = await this.complaintRepo.read(tenantOf(p), 'c', (qb) => inComplaintScopeOf(p, qb).andWhere('c.id = ANY(:reportIds)', { reportIds: ids }).getMany());
    return new Map(rows.map((c) => [c.id, toDto(c, p)]));
  }
}

/** The branch or company a report was asked for, as its figures show them. */
function scopeFields(scope: ResolvedScope): { branch: BranchDto | null; company: CompanyDto | null } {
  return {
    branch: scope.branch ? branchDto(scope.branch) : null,
    company: scope.company ? { id: scope.company.id, name: scope.company.name, tenantId: scope.company.tenantId } : null,
  };
}

/** The branch row itself: Branch's resolved fields (company, calendar) read the entity. */
function branchDto(b: BranchEntity): BranchDto {
  return b;
}

/** The repository's figures as the API shows them. */
export function figuresDto(f: ReportFigures): ReportFiguresDto {
  return {
    received: f.received, resolved: f.resolved, closed: f.closed, processingRate: f.processingRate, timelinessRate: f.timelinessRate,
    callbackRate: f.callbackRate, satisfactionRate: f.satisfactionRate, reopenRate: f.reopenRate,
    byCategory: f.byCategory, bySeverity: f.bySeverity, from: new Date(f.fromMs), to: new Date(f.toMs), timeZone: f.timeZone,
    valid: f.valid, invalid: f.invalid, validResolvedInPeriod: f.validResolvedInPeriod, resolvedInPeriod: f.resolvedInPeriod,
    calledBack: f.calledBack, callbacks: f.callbacks, satisfied: f.satisfied, reopened: f.reopened,
    stagesCompleted: f.stagesCompleted, stagesOnTime: f.stagesOnTime, firstTimeFixRate: f.firstTimeFixRate,
    workOrdersCompleted: f.workOrdersCompleted, workOrdersFixedFirstTime: f.workOrdersFixedFirstTime, overdueOpen: f.overdueOpen,
  };
}
