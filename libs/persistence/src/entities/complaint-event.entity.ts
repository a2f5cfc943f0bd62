import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One entry of a complaint's timeline; (complaint, seq) is the idempotency key of its write. */
@Entity({ name: 'complaint_events' })
@Index('complaint_events_tenant_type_at_idx', ['tenantId', 'type', 'at'])
export class ComplaintEventEntity {
  @PrimaryColumn('uuid', { name: 'complaint_id' })
  complaintId!: string;

  @PrimaryColumn('int')
  seq!: number;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('timestamptz')
  at!: Date;

  @Column('text')
  type!: string;

  @Column('text', { nullable: true })
  actor!: string | null;

  @Column('jsonb', { default: () => "'{}'::jsonb" })
  data!: Record<string, unknown>;
}
