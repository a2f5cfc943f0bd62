export * from './task-queues';
export * from './ids';
export * from './complaint.types';
export * from './updates';
