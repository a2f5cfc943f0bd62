import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../../domain/src/enums';

/** What a user may do, and where: a company-wide or branch-wide role, or group-wide when both are null. */
@Entity({ name: 'role_assignments' })
@Index('role_assignments_tenant_user_idx', ['tenantId', 'userId'])
export class RoleAssignmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  role!: Role;

  @Column('uuid', { name: 'company_id', nullable: true })
  companyId!: string | null;

  @Column('uuid', { name: 'branch_id', nullable: true })
  branchId!: string | null;

  /** A company manager's position (the escalation levels COMPANY_DEPUTY_GM and COMPANY_GM); null otherwise. */
  @Column('text', { nullable: true })
  position?: 'DEPUTY_GM' | 'GM' | null;
}
