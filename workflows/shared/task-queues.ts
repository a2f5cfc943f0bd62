/** Task queue of the complaint workflows and their activities. Tests use their own queue per run. */
export const COMPLAINTS_TASK_QUEUE = process.env.TEMPORAL_TASK_QUEUE ?? 'complaints';
