export * from './entities';
export * from './data-source';
export * from './tenant-scoped.repository';
export * from './branch-calendar.repository';
export * from './principal-grants.repository';
