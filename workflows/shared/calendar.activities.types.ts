import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';
import type { ComplaintCursor } from './calendar-propagation';

export interface OpenComplaintsPage {
  complaintIds: string[];
  /** Where the next page starts; null when this was the last one. */
  next: ComplaintCursor | null;
  /** Only when asked for (the first page of a propagation). */
  total?: number;
}

export interface SignalCalendarResult {
  signalled: number;
  skipped: number;
  /** The branch's calendar is no longer this one: a newer change propagates instead. */
  superseded: boolean;
}

export interface CalendarActivities {
  openComplaintsPage(args: { tenantId: string; branchId: string; after: ComplaintCursor | null; limit: number; withTotal: boolean }): Promise<OpenComplaintsPage>;
  signalCalendarChange(args: {
    tenantId: string; branchId: string; calendar: BranchCalendar; changedBy: string; complaintIds: string[];
    concurrency: number; signalsPerSecond: number;
  }): Promise<SignalCalendarResult>;
}
