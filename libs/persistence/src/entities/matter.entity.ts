import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Category, Severity } from '../../../domain/src/enums';

/** A same-matter group of complaints (same branch, category, place or subject): its counts and the rule that fired. */
@Entity({ name: 'matters' })
@Index('matters_tenant_branch_idx', ['tenantId', 'branchId', 'createdAt'])
export class MatterEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'branch_id' }) branchId!: string;
  @Column('text') category!: Category;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('uuid', { name: 'created_by' }) createdBy!: string;
  /** Set when this matter was merged into another by a link between their complaints. */
  @Column('uuid', { name: 'merged_into_id', nullable: true }) mergedIntoId!: string | null;
  @Column('int', { name: 'complaint_count' }) complaintCount!: number;
  @Column('int', { name: 'distinct_complainants' }) distinctComplainants!: number;
  @Column('int', { name: 'distinct_households' }) distinctHouseholds!: number;
  @Column('text', { name: 'fired_rule', nullable: true }) firedRule!: string | null;
  @Column('text', { name: 'fired_severity', nullable: true }) firedSeverity!: Severity | null;
  @Column('timestamptz', { name: 'fired_at', nullable: true }) firedAt!: Date | null;
}

/** A complaint's membership of a matter, with the keys the counting rules use. */
@Entity({ name: 'matter_complaints' })
@Index('matter_complaints_matter_idx', ['tenantId', 'matterId', 'complaintId'])
export class MatterComplaintEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'complaint_id' }) complaintId!: string;
  @Column('uuid', { name: 'matter_id' }) matterId!: string;
  /** The complainant: phone, else name and unit (normalised). */
  @Column('text', { name: 'complainant_key' }) complainantKey!: string;
  /** The household: unit, else location (normalised); null when neither is known. */
  @Column('text', { name: 'household_key', nullable: true }) householdKey!: string | null;
  @Column('int', { name: 'households_affected' }) householdsAffected!: number;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'linked_at' }) linkedAt!: Date;
  @Column('uuid', { name: 'linked_by' }) linkedBy!: string;
  @Column('text', { name: 'link_request_id', nullable: true }) linkRequestId!: string | null;
  /** The severity the matter's rule signalled to this complaint's workflow, and when. */
  @Column('text', { name: 'signalled_severity', nullable: true }) signalledSeverity!: Severity | null;
  @Column('timestamptz', { name: 'signalled_at', nullable: true }) signalledAt!: Date | null;
}
