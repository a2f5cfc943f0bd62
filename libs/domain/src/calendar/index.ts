export * from './calendar.types';
export * from './duration.util';
export * from './zoned-time.util';
export * from './business-time.util';
export * from './china-holidays.util';
export * from './calendar-validation.util';
