export * from './severity.util';
export * from './severity-rules.util';
export * from './severity-lifecycle.util';
