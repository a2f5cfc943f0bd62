export interface WeeklyReviewResult {
  weekStart: string;
  openCount: number;
  overdueCount: number;
}

export interface ReviewActivities {
  recordWeeklyReview(args: { tenantId: string; timezone: string; at: number }): Promise<WeeklyReviewResult>;
}
