export * from './lifecycle.util';
export * from './complaint.types';
export * from './complaint.reducer';
