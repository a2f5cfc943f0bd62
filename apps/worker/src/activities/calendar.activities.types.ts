// The contract lives with the workflows (workflows/shared), which import nothing from apps/.
export type { CalendarActivities, OpenComplaintsPage, SignalCalendarResult } from '../../../../workflows/shared/calendar.activities.types';
