export * from './entities';
export * from './data-source';
export * from './tenant-scoped.repository';
export * from './branch-calendar.repository';
export * from './principal-grants.repository';
export type { TenantSource } from './tenant-transaction';
export { TENANT_SETTING, assertManagerTenant, inTenant, requireTenant, tenantTransaction } from './tenant-transaction';
export * from './application-role';
export * from './work-order.repository';
