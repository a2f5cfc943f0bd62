export * from './matter.util';
