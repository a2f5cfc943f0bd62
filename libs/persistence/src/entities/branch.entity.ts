import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { BranchCalendar } from '../../../domain/src/calendar/calendar.types';

/** A branch (estate, 管理处/项目) of a company. Its code prefixes complaint references. */
@Entity({ name: 'branches' })
@Index('branches_tenant_code_uq', ['tenantId', 'code'], { unique: true })
@Index('branches_tenant_company_idx', ['tenantId', 'companyId'])
export class BranchEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'company_id' })
  companyId!: string;

  @Column('text')
  code!: string;

  @Column('text')
  name!: string;

  @Column('text')
  timezone!: string;

  @Column('jsonb')
  calendar!: BranchCalendar;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
