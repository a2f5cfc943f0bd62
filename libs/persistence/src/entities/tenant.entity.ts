import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A property group: the root of tenancy. Its id is the tenant id every other row carries. */
@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text', { name: 'policy_preset' })
  policyPreset!: string;

  @Column('int', { name: 'current_policy_version', default: 1 })
  currentPolicyVersion!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
