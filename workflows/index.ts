// The workflow bundle's entry point: every workflow the worker registers.
export { complaintWorkflow } from './complaint.workflow';
export { weeklyReviewWorkflow } from './weekly-review.workflow';
export { calendarPropagationWorkflow } from './calendar-propagation.workflow';
export { matterWorkflow } from './matter.workflow';
export { escalationWorkflow } from './escalation.workflow';
export { workOrderWorkflow } from './work-order.workflow';
export { dailyReportWorkflow } from './daily-report.workflow';
export { categoryModelWorkflow } from './category-model.workflow';
