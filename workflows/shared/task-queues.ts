/**
 * Default task queue of the complaint workflows and their activities (the gateway and the worker
 * read TEMPORAL_TASK_QUEUE themselves; tests use their own queue per run). No `process.env` here:
 * this folder is part of the workflow bundle.
 */
export const DEFAULT_COMPLAINTS_TASK_QUEUE = 'complaints';
