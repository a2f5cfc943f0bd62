export * from './severity.util';
