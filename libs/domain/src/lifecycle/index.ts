export * from './lifecycle.util';
