export * from './policy.types';
export * from './policy.util';
