export * from './task-queues';
export * from './ids';
export * from './complaint.types';
export * from './updates';
export * from './calendar-propagation';
