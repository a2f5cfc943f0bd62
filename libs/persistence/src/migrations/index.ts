import { InitialSchema1763870000000 } from './1763870000000-initial-schema';
import { PolicyCalendarDeadlines1763880000000 } from './1763880000000-policy-calendar-deadlines';
import { RowLevelSecurity1763890000000 } from './1763890000000-row-level-security';
import { AuditLog1763890000100 } from './1763890000100-audit-log';
import { Escalations1763900000200 } from './1763900000200-escalations';
import { Matters1763900000100 } from './1763900000100-matters';
import { ComplaintsUpdatedAt1763900000400 } from './1763900000400-complaints-updated-at';
import { ComplaintOwner1763900000300 } from './1763900000300-complaint-owner';
import { WorkOrders1763910000000 } from './1763910000000-work-orders';
import { Reporting1763920000000 } from './1763920000000-reporting';
import { DailyReports1763920000100 } from './1763920000100-daily-reports';
import { ReportRollups1763930000000 } from './1763930000000-report-rollups';
import { ComplaintListIndexes1763940000000 } from './1763940000000-complaint-list-indexes';
import { ChineseText1763950000000 } from './1763950000000-chinese-text';
import { CustomerMessages1763960000000 } from './1763960000000-customer-messages';
import { Attachments1763960000100 } from './1763960000100-attachments';
import { SearchByTime1763970000000 } from './1763970000000-search-by-time';

/** Every migration, oldest first. A new migration is appended here. */
export const MIGRATIONS = [InitialSchema1763870000000, PolicyCalendarDeadlines1763880000000, RowLevelSecurity1763890000000, AuditLog1763890000100, Matters1763900000100, Escalations1763900000200, ComplaintOwner1763900000300, ComplaintsUpdatedAt1763900000400, WorkOrders1763910000000, Reporting1763920000000, DailyReports1763920000100, ReportRollups1763930000000, ComplaintListIndexes1763940000000, ChineseText1763950000000, CustomerMessages1763960000000, Attachments1763960000100, SearchByTime1763970000000];
