import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One immutable version of a tenant's policy; a complaint runs under the version it started with. */
@Entity({ name: 'policy_versions' })
export class PolicyVersionEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('int')
  version!: number;

  /** The complete, validated policy (preset merged with overrides). */
  @Column('jsonb')
  document!: Record<string, unknown>;

  /** The overrides as the head office gave them. */
  @Column('jsonb', { default: () => "'{}'::jsonb" })
  overrides!: Record<string, unknown>;

  @Column('uuid', { name: 'created_by', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
