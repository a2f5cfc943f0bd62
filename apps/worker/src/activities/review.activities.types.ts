// The contract lives with the workflows (workflows/shared), which import nothing from apps/.
export type { ReviewActivities, WeeklyReviewResult } from '../../../../workflows/shared/review.activities.types';
