import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import {
  BranchRankingArgs, DailyReportArgs, HalfMonthlyReportArgs, MonthlyReportArgs, OverdueComplaintsArgs, PeriodReportArgs, QuarterlyReviewArgs,
} from './dtos/report.args';
import { BranchReportDto, EscalationReviewDto, ReportFiguresDto, SpecialistScoreDto, StageTimeDto } from './dtos/report.dto';
import { ReportsService } from './services/reports.service';

const SCOPE = 'HEAD_OFFICE: the whole tenant; COMPANY_MANAGER: their company; BRANCH_MANAGER, DISPATCHER: their branch '
  + '(HANDLER, CONTRACTOR: FORBIDDEN); a companyId or branchId outside the caller\'s reach is NOT_FOUND.';

/** The reports of domain.md §7 (the definitions are on ReportFigures' fields). */
@Resolver()
export class ReportFiguresResolver {
  constructor(private readonly reports: ReportsService) {}

  @Query(() => ReportFiguresDto, { description: `the month's figures (004 篇2 §4.5.1), month "2026-10". ${SCOPE}` })
  monthlyReport(@CurrentPrincipal() p: Principal, @Args() a: MonthlyReportArgs): Promise<ReportFiguresDto> {
    return this.reports.monthly(p, a);
  }

  @Query(() => ReportFiguresDto, { description: `the day's figures (003 八.1), date "2026-10-09" in the branch's time zone. ${SCOPE}` })
  dailyReport(@CurrentPrincipal() p: Principal, @Args() a: DailyReportArgs): Promise<ReportFiguresDto> {
    return this.reports.daily(p, a);
  }

  @Query(() => ReportFiguresDto, { description: `the half month's figures (004 篇3 §5.6.1.2): half 1 = days 1–15, half 2 = the 16th to the end. ${SCOPE}` })
  halfMonthlyReport(@CurrentPrincipal() p: Principal, @Args() a: HalfMonthlyReportArgs): Promise<ReportFiguresDto> {
    return this.reports.halfMonthly(p, a);
  }

  @Query(() => [BranchReportDto], {
    description: `every branch of the scope by satisfaction rate, best first (then processing rate, then code); bottom three and top improvers marked (003 第三部分). ${SCOPE}`,
  })
  branchRanking(@CurrentPrincipal() p: Principal, @Args() a: BranchRankingArgs): Promise<BranchReportDto[]> {
    return this.reports.branchRanking(p, a);
  }

  @Query(() => EscalationReviewDto, { description: `every complaint that was HOT or MAJOR in the quarter, with its escalations, special report and age; figures by branch. ${SCOPE}` })
  quarterlyEscalationReview(@CurrentPrincipal() p: Principal, @Args() a: QuarterlyReviewArgs): Promise<EscalationReviewDto> {
    return this.reports.quarterlyEscalationReview(p, a);
  }

  @Query(() => [SpecialistScoreDto], { description: `closure rate per specialist (004 篇3 §4.1.6), best first. ${SCOPE}` })
  specialistScorecard(@CurrentPrincipal() p: Principal, @Args() a: PeriodReportArgs): Promise<SpecialistScoreDto[]> {
    return this.reports.specialistScorecard(p, a);
  }

  @Query(() => [StageTimeDto], { description: `average and 90th-percentile time per stage (deadline kind) completed in the period. ${SCOPE}` })
  stageTimes(@CurrentPrincipal() p: Principal, @Args() a: PeriodReportArgs): Promise<StageTimeDto[]> {
    return this.reports.stageTimes(p, a);
  }

  @Query(() => [ComplaintDto], { description: `open complaints with a deadline breached and not met, oldest received first (first: 1–200, default 50). ${SCOPE}` })
  overdueComplaints(@CurrentPrincipal() p: Principal, @Args() a: OverdueComplaintsArgs): Promise<ComplaintDto[]> {
    return this.reports.overdueComplaints(p, a);
  }
}
