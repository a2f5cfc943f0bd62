import {
  DataSource, EntityManager, EntityTarget, FindManyOptions, FindOptionsWhere, ObjectLiteral, QueryRunner, Repository, SelectQueryBuilder,
} from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { RawSqlResultsToEntityTransformer } from 'typeorm/query-builder/transformer/RawSqlResultsToEntityTransformer';
import { TenantEntity } from './entities/tenant.entity';
import { inlineParameters } from './inline-parameters';
import { TenantSource, inTenant, requireTenant, tenantReadBatch } from './tenant-transaction';

export { MissingTenantError } from './tenant-transaction';

/** Where repositories read and write: the data source, or a tenant transaction's entity manager. */
export type DataSourceOrManager = TenantSource;

/**
 * A repository whose every call takes the tenant id first, adds it to the predicate and runs in a
 * transaction whose row-level-security tenant is that id (`tenantTransaction`), so a service can
 * neither forget tenancy nor reach another tenant's rows if a predicate were wrong. Entities must
 * have a `tenantId` property. Services reach tenant tables only through these (a lint rule,
 * `local/no-raw-data-access`, says so).
 */
export class TenantScopedRepository<T extends ObjectLiteral & { tenantId: string }> {
  constructor(private readonly source: TenantSource, private readonly target: EntityTarget<T>) {}

  /** The same repository inside a tenant transaction (`tenantTransaction(ds, t, (m) => repo.withManager(m)…)`). */
  withManager(manager: EntityManager): TenantScopedRepository<T> {
    return new TenantScopedRepository(manager, this.target);
  }

  private run<R>(tenantId: string, work: (repo: Repository<T>) => Promise<R>): Promise<R> {
    return inTenant(this.source, tenantId, (m) => work(m.getRepository(this.target)));
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
    const scoped = this.scoped(tenantId, where);
    return this.run(tenantId, (repo) => repo.findOne({ where: scoped }));
  }

  find(tenantId: string, where: FindOptionsWhere<T> | FindOptionsWhere<T>[] = {}, options: Omit<FindManyOptions<T>, 'where'> = {}): Promise<T[]> {
    const scoped = this.scoped(tenantId, where);
    return this.run(tenantId, (repo) => repo.find({ ...options, where: scoped }));
  }

  count(tenantId: string, where: FindOptionsWhere<T> = {}): Promise<number> {
    const scoped = this.scoped(tenantId, where);
    return this.run(tenantId, (repo) => repo.count({ where: scoped }));
  }

  insert(tenantId: string, entity: Omit<T, 'tenantId'> & Partial<Pick<T, 'tenantId'>>): Promise<T> {
    requireTenant(tenantId);
    return this.run(tenantId, (repo) => repo.save(repo.create({ ...entity, tenantId } as unknown as T)));
  }

  /** Updates the tenant's rows matching `where`; returns how many changed. */
  async update(tenantId: string, where: FindOptionsWhere<T>, patch: QueryDeepPartialEntity<Omit<T, 'tenantId'>>): Promise<number> {
    const [scoped] = this.scoped(tenantId, where);
    if ('tenantId' in patch) throw new Error('a row never moves to another tenant');
    const result = await this.run(tenantId, (repo) => repo.update(scoped, patch as QueryDeepPartialEntity<T>));
    return result.affected ?? 0;
  }

  /** Deletes the tenant's rows matching `where` (only tables whose grants allow it); returns how many went. */
  async delete(tenantId: string, where: FindOptionsWhere<T>): Promise<number> {
    const [scoped] = this.scoped(tenantId, where);
    const result = await this.run(tenantId, (repo) => repo.delete(scoped));
    return result.affected ?? 0;
  }

  /**
   * A query of the tenant's rows: `build` receives a query builder pre-filtered by tenant (aliased
   * `alias`), adds to it and executes it; it runs inside the tenant transaction.
   */
  read<R>(tenantId: string, alias: string, build: (qb: SelectQueryBuilder<T>) => Promise<R>): Promise<R> {
    requireTenant(tenantId);
    return this.run(tenantId, (repo) => build(repo.createQueryBuilder(alias).where(`${alias}.tenantId = :tenantId`, { tenantId })));
  }

  /**
   * `read` for the hottest reads, in ONE round trip (tenantReadBatch) instead of three or four:
   * `build` adds to a query builder pre-filtered by tenant and returns it unexecuted as `rows`, with
   * `countOf` when it also wants how many rows a query selects (counted as `countRows`, stopping
   * after `countAtMost + 1`). Both run in one read-only snapshot. The rows come back as entities,
   * hydrated by TypeORM as `getRawAndEntities` does, and raw (for columns added with `addSelect`).
   * A plain select of this entity: no joins or relation loading. Inside a tenant transaction (a
   * repository bound to a manager) the statements run in that transaction instead.
   */
  async readOnce(
    tenantId: string, alias: string,
    build: (qb: SelectQueryBuilder<T>) => { rows: SelectQueryBuilder<T>; countOf?: SelectQueryBuilder<T>; countAtMost?: number },
  ): Promise<{ entities: T[]; raw: Record<string, unknown>[]; count?: number }> {
    requireTenant(tenantId);
    if (!(this.source instanceof DataSource)) {
      return this.read(tenantId, alias, async (qb) => {
        const q = build(qb);
        const count = q.countOf ? await countRows(q.countOf, q.countAtMost) : undefined;
        const { entities, raw } = await q.rows.getRawAndEntities<Record<string, unknown>>();
        return { entities, raw, count };
      });
    }
    const ds = this.source;
    const q = build(ds.getRepository(this.target).createQueryBuilder(alias).where(`${alias}.tenantId = :tenantId`, { tenantId }));
    const map = q.rows.expressionMap;
    if (map.joinAttributes.length || map.relationIdAttributes.length || map.relationCountAttributes.length || !map.mainAlias) {
      throw new Error('readOnce is for a plain select of one entity (no joins or relations): use read');
    }
    const statements = [inlineParameters(...q.rows.getQueryAndParameters())];
    if (q.countOf) statements.push(inlineParameters(...countQuery(q.countOf, q.countAtMost)));
    const [raw, counted] = await tenantReadBatch<Record<string, unknown>>(ds, tenantId, statements);
    const entities = raw.length
      ? new RawSqlResultsToEntityTransformer(map, ds.driver, [], []).transform(raw, map.mainAlias) as T[]
      : [];
    return { entities, raw, count: counted ? (counted[0] as { n: number }).n : undefined };
  }
}

/** The SQL and parameters of countRows. */
function countQuery<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, atMost?: number): [string, unknown[]] {
  const inner = qb.clone().select('1').orderBy();
  if (atMost !== undefined) inner.limit(atMost + 1);
  const [sql, params] = inner.getQueryAndParameters();
  return [`SELECT count(*)::int AS n FROM (${sql}) AS counted`, params];
}

/**
 * How many rows a `read` query selects, counted with `count(*)` (TypeORM's getCount counts
 * DISTINCT ids, several times slower over many rows), on the query's own transaction. With
 * `atMost`, the count stops after `atMost + 1` rows: its cost is bounded whatever the table holds,
 * and `atMost + 1` means "more than atMost".
 */
export async function countRows<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, atMost?: number): Promise<number> {
  // The builder's query runner is the tenant transaction's (`read` made it): the count runs there.
  const runner = (qb as unknown as { queryRunner?: QueryRunner }).queryRunner;
  if (!runner) throw new Error('countRows needs a query of a tenant transaction (TenantScopedRepository.read)');
  const rows: { n: number }[] = await runner.query(...countQuery(qb, atMost));
  return rows[0].n;
}

/**
 * The `tenants` table, the root of tenancy: its key is the tenant id itself, so every call takes
 * that id first and refuses an empty one, like the scoped repositories.
 */
export class TenantRecordRepository {
  constructor(private readonly source: TenantSource) {}

  withManager(manager: EntityManager): TenantRecordRepository {
    return new TenantRecordRepository(manager);
  }

  private run<R>(tenantId: string, work: (repo: Repository<TenantEntity>) => Promise<R>): Promise<R> {
    return inTenant(this.source, tenantId, (m) => work(m.getRepository(TenantEntity)));
  }

  findOne(tenantId: string): Promise<TenantEntity | null> {
    return this.run(tenantId, (repo) => repo.findOneBy({ id: tenantId }));
  }

  /** The tenant's row, locked until the transaction ends (use inside `withManager`). */
  findOneForUpdate(tenantId: string): Promise<TenantEntity | null> {
    return this.run(tenantId, (repo) => repo.findOne({ where: { id: tenantId }, lock: { mode: 'pessimistic_write' } }));
  }

  insert(tenantId: string, row: Omit<TenantEntity, 'id' | 'createdAt'>): Promise<TenantEntity> {
    return this.run(tenantId, (repo) => repo.save(repo.create({ ...row, id: tenantId })));
  }

  async update(tenantId: string, patch: Partial<Pick<TenantEntity, 'name' | 'currentPolicyVersion'>>): Promise<void> {
    await this.run(tenantId, (repo) => repo.update({ id: tenantId }, patch));
  }
}
