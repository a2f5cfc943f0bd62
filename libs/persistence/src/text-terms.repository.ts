import { TextTermEntity } from './entities/text.entity';
import { TenantSource, inTenant } from './tenant-transaction';

/** A tenant's own search terms: read whole (they are few), replaced whole in one tenant transaction. */
export class TextTermsRepository {
  constructor(private readonly source: TenantSource) {}

  list(tenantId: string): Promise<string[]> {
    return inTenant(this.source, tenantId, async (m) => (await m.getRepository(TextTermEntity).find({ where: { tenantId }, order: { term: 'ASC' } })).map((t) => t.term));
  }

  /** The list becomes exactly `terms` (the same list twice changes nothing). */
  replace(tenantId: string, terms: readonly string[], actorId: string): Promise<string[]> {
    return inTenant(this.source, tenantId, async (m) => {
      const repo = m.getRepository(TextTermEntity);
      await repo.createQueryBuilder().delete().where('tenant_id = :tenantId', { tenantId }).andWhere('NOT (term = ANY(:terms))', { terms: [...terms] }).execute();
      if (terms.length) {
        await repo.createQueryBuilder().insert().values(terms.map((term) => ({ tenantId, term, createdBy: actorId, createdAt: new Date() })))
          .orIgnore().updateEntity(false).execute();
      }
      return [...terms].sort();
    });
  }
}
