import { defineQuery } from '@temporalio/workflow';
import type { BranchCalendar } from '../../libs/domain/src/calendar/calendar.types';

/** Registered name of the propagation workflow (the gateway starts it by name, not by import). */
export const CALENDAR_PROPAGATION_WORKFLOW = 'calendarPropagationWorkflow';

/** Defaults and bounds of the fan-out: at most `signalsPerSecond` complaint signals per change. */
export const CALENDAR_PROPAGATION_DEFAULTS = { pageSize: 100, concurrency: 1, signalsPerSecond: 5 } as const;
export const CALENDAR_PROPAGATION_BOUNDS = {
  pageSize: { min: 1, max: 500 },
  concurrency: { min: 1, max: 32 },
  signalsPerSecond: { min: 1, max: 1000 },
} as const;

/** Keyset position in the branch's open complaints (ordered by receipt, then id). */
export interface ComplaintCursor {
  receivedAt: string;
  id: string;
}

export interface CalendarPropagationCounts {
  /** Open complaints of the branch when the change was made. */
  total: number;
  signalled: number;
  /** Complaints whose workflow had already closed. */
  skipped: number;
}

export interface CalendarPropagationInput {
  tenantId: string;
  branchId: string;
  /** Identifies the change (its time and calendar); part of the workflow id. */
  changeId: string;
  calendar: BranchCalendar;
  changedBy: string;
  pageSize?: number;
  concurrency?: number;
  signalsPerSecond?: number;
  /** Carried across continue-as-new: where the next page starts, and what was done so far. */
  cursor?: ComplaintCursor | null;
  counts?: CalendarPropagationCounts;
}

export type CalendarPropagationStatus = 'RUNNING' | 'DONE' | 'SUPERSEDED';

export interface CalendarPropagationProgress extends CalendarPropagationCounts {
  status: CalendarPropagationStatus;
  /** signalled + skipped. */
  done: number;
}

export const calendarPropagationProgressQuery = defineQuery<CalendarPropagationProgress>('calendarPropagationProgress');
