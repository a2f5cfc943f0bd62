export * from './deadline.util';
