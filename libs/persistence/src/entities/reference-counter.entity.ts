import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last reference number handed out per branch and year; bumped in the same transaction as the insert, so gapless. */
@Entity({ name: 'reference_counters' })
export class ReferenceCounterEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'branch_id' }) branchId!: string;
  @PrimaryColumn('int') year!: number;
  @Column('int') last!: number;
}
