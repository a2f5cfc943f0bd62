import { DataSource, EntityTarget, FindManyOptions, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';

export class MissingTenantError extends Error {
  constructor() {
    super('a tenant id is required for every tenant-owned query');
  }
}

function requireTenant(tenantId: string): void {
  // An empty tenant id would silently drop the tenant predicate and widen the query to every group.
  if (typeof tenantId !== 'string' || tenantId.trim() === '') throw new MissingTenantError();
}

/**
 * A repository whose every call takes the tenant id first and adds it to the predicate,
 * so a service cannot forget tenancy. Entities must have a `tenantId` property.
 */
export class TenantScopedRepository<T extends ObjectLiteral & { tenantId: string }> {
  private readonly repo: Repository<T>;

  constructor(dataSource: DataSource, target: EntityTarget<T>) {
    this.repo = dataSource.getRepository(target);
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

  /** A query builder pre-filtered by tenant, aliased as `alias`. */
  query(tenantId: string, alias: string) {
    requireTenant(tenantId);
    return this.repo.createQueryBuilder(alias).where(`${alias}.tenantId = :tenantId`, { tenantId });
  }
}
