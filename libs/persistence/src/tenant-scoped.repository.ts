import {
  DataSource, EntityManager, EntityTarget, FindManyOptions, FindOptionsWhere, ObjectLiteral, Repository,
} from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TenantEntity } from './entities/tenant.entity';

export class MissingTenantError extends Error {
  constructor() {
    super('a tenant id is required for every tenant-owned query');
  }
}

function requireTenant(tenantId: string): void {
  // An empty tenant id would silently drop the tenant predicate and widen the query to every group.
  if (typeof tenantId !== 'string' || tenantId.trim() === '') throw new MissingTenantError();
}

/** Where repositories read and write: the data source, or a transaction's entity manager. */
export type DataSourceOrManager = DataSource | EntityManager;

/**
 * A repository whose every call takes the tenant id first and adds it to the predicate,
 * so a service cannot forget tenancy. Entities must have a `tenantId` property.
 * Services reach tenant tables only through these (a lint rule, `local/no-raw-data-access`, says so).
 */
export class TenantScopedRepository<T extends ObjectLiteral & { tenantId: string }> {
  private readonly repo: Repository<T>;

  constructor(source: DataSourceOrManager, private readonly target: EntityTarget<T>) {
    this.repo = source.getRepository(target);
  }

  /** The same repository inside a transaction (`ds.transaction((m) => repo.withManager(m)…)`). */
  withManager(manager: EntityManager): TenantScopedRepository<T> {
    return new TenantScopedRepository(manager, this.target);
  }

  private scoped(tenantId: string, where: FindOptionsWhere<T> | FindOptionsWhere<T>[] = {}): FindOptionsWhere<T>[] {
    requireTenant(tenantId);
    const list = Array.isArray(where) ? where : [where];
    for (const w of list) {
      // TypeORM drops `undefined` from WHERE, which would widen the query: refuse it outright.
      for (const [k, v] of Object.entries(w)) if (v === undefined) throw new Error(`undefined value for "${k}" in a query`);
    }
    return list.map((w) => ({ ...w, tenantId }) as FindOptionsWhere<T>);
  }

  findOne(tenantId: string, where: FindOptionsWhere<T>): Promise<T | null> {
    return this.repo.findOne({ where: this.scoped(tenantId, where) });
  }

  find(tenantId: string, where: FindOptionsWhere<T> | FindOptionsWhere<T>[] = {}, options: Omit<FindManyOptions<T>, 'where'> = {}): Promise<T[]> {
    return this.repo.find({ ...options, where: this.scoped(tenantId, where) });
  }

  count(tenantId: string, where: FindOptionsWhere<T> = {}): Promise<number> {
    return this.repo.count({ where: this.scoped(tenantId, where) });
  }

  async insert(tenantId: string, entity: Omit<T, 'tenantId'> & Partial<Pick<T, 'tenantId'>>): Promise<T> {
    requireTenant(tenantId);
    const row = this.repo.create({ ...entity, tenantId } as unknown as T);
    return this.repo.save(row);
  }

  /** Updates the tenant's rows matching `where`; returns how many changed. */
  async update(tenantId: string, where: FindOptionsWhere<T>, patch: QueryDeepPartialEntity<Omit<T, 'tenantId'>>): Promise<number> {
    const [scoped] = this.scoped(tenantId, where);
    if ('tenantId' in patch) throw new Error('a row never moves to another tenant');
    const result = await this.repo.update(scoped, patch as QueryDeepPartialEntity<T>);
    return result.affected ?? 0;
  }

  /** A query builder pre-filtered by tenant, aliased as `alias`. */
  query(tenantId: string, alias: string) {
    requireTenant(tenantId);
    return this.repo.createQueryBuilder(alias).where(`${alias}.tenantId = :tenantId`, { tenantId });
  }
}

/**
 * The `tenants` table, the root of tenancy: its key is the tenant id itself, so every call takes
 * that id first and refuses an empty one, like the scoped repositories.
 */
export class TenantRecordRepository {
  private readonly repo: Repository<TenantEntity>;

  constructor(source: DataSourceOrManager) {
    this.repo = source.getRepository(TenantEntity);
  }

  withManager(manager: EntityManager): TenantRecordRepository {
    return new TenantRecordRepository(manager);
  }

  findOne(tenantId: string): Promise<TenantEntity | null> {
    requireTenant(tenantId);
    return this.repo.findOneBy({ id: tenantId });
  }

  /** The tenant's row, locked until the transaction ends (use inside `withManager`). */
  findOneForUpdate(tenantId: string): Promise<TenantEntity | null> {
    requireTenant(tenantId);
    return this.repo.findOne({ where: { id: tenantId }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(tenantId: string, row: Omit<TenantEntity, 'id' | 'createdAt'>): Promise<TenantEntity> {
    requireTenant(tenantId);
    return this.repo.save(this.repo.create({ ...row, id: tenantId }));
  }

  async update(tenantId: string, patch: Partial<Pick<TenantEntity, 'name' | 'currentPolicyVersion'>>): Promise<void> {
    requireTenant(tenantId);
    await this.repo.update({ id: tenantId }, patch);
  }
}
