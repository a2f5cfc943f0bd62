import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type {
  CallbackMethod, Category, Channel, ComplaintKind, ComplaintStatus, DeadlineKind, Responsibility, Severity, Validity,
} from '../../../domain/src/enums';

/** A deadline as the read model stores it; instants as ISO strings. */
export interface StoredDeadline {
  kind: DeadlineKind;
  dueAt: string;
  metAt: string | null;
  breachedAt: string | null;
  /** Closed unmet because the complaint was merged into another (no breach will follow). */
  cancelledAt?: string | null;
  round: number;
}

export interface StoredSpecialReport {
  whatHappened: string;
  rootCause: string;
  preventiveMeasures: string;
  submittedAt: string;
  submittedBy: string;
}

/**
 * The read model of one complaint. The complaint's workflow owns the state; its activities
 * write this row (and only they do, after intake), so the API can query and filter.
 */
@Entity({ name: 'complaints' })
@Index('complaints_tenant_idem_uq', ['tenantId', 'idempotencyKey'], { unique: true })
@Index('complaints_tenant_ref_uq', ['tenantId', 'reference'], { unique: true })
@Index('complaints_tenant_branch_received_idx', ['tenantId', 'branchId', 'receivedAt'])
@Index('complaints_tenant_assignee_idx', ['tenantId', 'assigneeId'])
@Index('complaints_tenant_owner_idx', ['tenantId', 'ownerId'])
@Index('complaints_tenant_updated_idx', ['tenantId', 'updatedAt'])
// Keyset pagination of the lists, newest first by (receivedAt, id) (migration 1763940000000).
@Index('complaints_tenant_received_id_idx', ['tenantId', 'receivedAt', 'id'])
@Index('complaints_tenant_branch_received_id_idx', ['tenantId', 'branchId', 'receivedAt', 'id'])
@Index('complaints_tenant_company_received_id_idx', ['tenantId', 'companyId', 'receivedAt', 'id'])
@Index('complaints_tenant_overdue_received_id_idx', ['tenantId', 'receivedAt', 'id'], { where: 'overdue' })
export class ComplaintEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'company_id' })
  companyId!: string;

  @Column('uuid', { name: 'branch_id' })
  branchId!: string;

  @Column('text')
  reference!: string;

  @Column('text', { name: 'idempotency_key' })
  idempotencyKey!: string;

  @Column('text', { name: 'workflow_id' })
  workflowId!: string;

  @Column('text') channel!: Channel;
  @Column('text') kind!: ComplaintKind;
  @Column('text') category!: Category;
  @Column('text') severity!: Severity;
  @Column('boolean') emergency!: boolean;
  @Column('text') validity!: Validity;
  @Column('text') responsibility!: Responsibility;
  @Column('text') status!: ComplaintStatus;
  @Column('int') round!: number;
  @Column('text') description!: string;
  @Column('text', { nullable: true }) demand!: string | null;
  /** Segmented words, synonyms and bigrams of the text fields (libs/text), under a GIN index; written by the worker, never selected. */
  @Column('tsvector', { name: 'search_vector', nullable: true, select: false }) searchVector?: string | null;
  @Column('text', { nullable: true }) location!: string | null;
  @Column('int', { name: 'households_affected' }) householdsAffected!: number;
  @Column('numeric', { name: 'loss_amount_yuan', nullable: true }) lossAmountYuan!: string | null;
  @Column('boolean', { default: false }) injury!: boolean;
  @Column('boolean', { name: 'media_exposure', default: false }) mediaExposure!: boolean;
  @Column('boolean', { default: false }) litigation!: boolean;

  @Column('text', { name: 'complainant_name' }) complainantName!: string;
  @Column('text', { name: 'complainant_phone', nullable: true }) complainantPhone!: string | null;
  @Column('text', { name: 'complainant_unit', nullable: true }) complainantUnit!: string | null;
  @Column('text', { name: 'complainant_email', nullable: true }) complainantEmail!: string | null;
  /** The complainant's WeChat openid (template messages). */
  @Column('text', { name: 'complainant_wechat', nullable: true }) complainantWechat!: string | null;

  /** 首问责任制: the first person who took the complaint owns its follow-through until handed over. */
  @Column('uuid', { name: 'first_contact_owner_id' }) firstContactOwnerId!: string;
  /** 首问责任制: who follows it through now; the first-contact owner until a hand-over. */
  @Column('uuid', { name: 'owner_id' }) ownerId!: string;
  @Column('uuid', { name: 'assignee_id', nullable: true }) assigneeId!: string | null;

  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;

  @Column('jsonb', { default: () => "'[]'::jsonb" }) deadlines!: StoredDeadline[];
  /** Some deadline breached and not met: kept as a column so the overdue filter is an index scan. */
  @Column('boolean', { default: false }) overdue!: boolean;

  @Column('boolean', { nullable: true }) satisfied!: boolean | null;
  @Column('text', { name: 'last_callback_method', nullable: true }) lastCallbackMethod!: CallbackMethod | null;
  @Column('int', { name: 'policy_version' }) policyVersion!: number;
  @Column('uuid', { name: 'matter_id', nullable: true }) matterId!: string | null;
  @Column('uuid', { name: 'merged_into_id', nullable: true }) mergedIntoId!: string | null;
  @Column('jsonb', { name: 'special_report', nullable: true }) specialReport!: StoredSpecialReport | null;
  @Column('timestamptz', { name: 'customer_deadline', nullable: true }) customerDeadline!: Date | null;
  @Column('timestamptz', { name: 'calendar_changed_at', nullable: true }) calendarChangedAt!: Date | null;

  /** The workflow's event sequence this row reflects; a write carrying an older sequence is ignored. */
  @Column('int', { name: 'last_seq', default: 0 }) lastSeq!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
