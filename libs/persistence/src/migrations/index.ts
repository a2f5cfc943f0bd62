import { InitialSchema1763870000000 } from './1763870000000-initial-schema';
import { PolicyCalendarDeadlines1763880000000 } from './1763880000000-policy-calendar-deadlines';
import { RowLevelSecurity1763890000000 } from './1763890000000-row-level-security';
import { AuditLog1763890000100 } from './1763890000100-audit-log';

/** Every migration, oldest first. A new migration is appended here. */
export const MIGRATIONS = [InitialSchema1763870000000, PolicyCalendarDeadlines1763880000000, RowLevelSecurity1763890000000, AuditLog1763890000100];
