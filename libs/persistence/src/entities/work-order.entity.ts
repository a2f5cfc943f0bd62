import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';
import type { Category } from '../../../domain/src/enums';
import type {
  Material, Trade, WorkOrderAttempt, WorkOrderDeadline, WorkOrderEventType, WorkOrderState, WorkOrderStatus,
} from '../../../domain/src/work-order/work-order.types';

/** numeric(12, 2) arrives from pg as a string: read it as a number. */
const yuan: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null || v === undefined ? null : Number(v)),
};

/**
 * A work order (domain.md §6) as its workflow (`work-order/<tenant>/<id>`) last projected it: the
 * current attempt's contractor and clocks, the completion (materials, charge, signature), the return
 * visit, and the whole state. Written by the worker's persistWorkOrder, never backwards (seq).
 */
@Entity({ name: 'work_orders' })
@Index('work_orders_complaint_idx', ['tenantId', 'complaintId', 'issuedAt'])
@Index('work_orders_contractor_idx', ['tenantId', 'contractorId', 'status'])
@Index('work_orders_branch_idx', ['tenantId', 'branchId', 'status'])
export class WorkOrderEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'complaint_id' }) complaintId!: string;
  @Column('uuid', { name: 'branch_id' }) branchId!: string;
  @Column('uuid', { name: 'company_id' }) companyId!: string;
  @Column('text', { name: 'workflow_id' }) workflowId!: string;
  @Column('text') trade!: Trade;
  /** The current attempt's contractor. */
  @Column('uuid', { name: 'contractor_id' }) contractorId!: string;
  @Column('text') status!: WorkOrderStatus;
  @Column('text') description!: string;
  @Column('integer', { default: 1 }) attempt!: number;
  @Column('uuid', { name: 'issued_by', nullable: true }) issuedBy!: string | null;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
  /** The open CONTRACTOR_CONTACT deadline's due time (else the latest one's). */
  @Column('timestamptz', { name: 'contact_due_at', nullable: true }) contactDueAt!: Date | null;
  @Column('timestamptz', { name: 'contacted_at', nullable: true }) contactedAt!: Date | null;
  @Column('timestamptz', { name: 'booked_for', nullable: true }) bookedFor!: Date | null;
  @Column('timestamptz', { name: 'on_site_at', nullable: true }) onSiteAt!: Date | null;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
  @Column('jsonb', { default: () => "'[]'" }) materials!: Material[];
  @Column('numeric', { name: 'charge_yuan', precision: 12, scale: 2, nullable: true, transformer: yuan }) chargeYuan!: number | null;
  @Column('boolean', { name: 'customer_signed', default: false }) customerSigned!: boolean;
  @Column('text', { name: 'signed_by_name', nullable: true }) signedByName!: string | null;
  @Column('timestamptz', { name: 'signed_at', nullable: true }) signedAt!: Date | null;
  @Column('uuid', { name: 'signature_image_id', nullable: true }) signatureImageId!: string | null;
  @Column('timestamptz', { name: 'return_visit_due_at', nullable: true }) returnVisitDueAt!: Date | null;
  @Column('timestamptz', { name: 'return_visit_at', nullable: true }) returnVisitAt!: Date | null;
  @Column('boolean', { name: 'return_visit_satisfied', nullable: true }) returnVisitSatisfied!: boolean | null;
  @Column('boolean', { name: 'awaiting_dispatcher', default: false }) awaitingDispatcher!: boolean;
  @Column('text', { name: 'cancelled_reason', nullable: true }) cancelledReason!: string | null;
  @Column('jsonb', { default: () => "'[]'" }) deadlines!: WorkOrderDeadline[];
  @Column('jsonb') state!: WorkOrderState;
  @Column('integer', { default: 0 }) seq!: number;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}

/** One attempt of a work order: one contractor's turn at the job (the scorecard's unit). */
@Entity({ name: 'work_order_attempts' })
@Index('work_order_attempts_contractor_idx', ['tenantId', 'contractorId', 'startedAt'])
export class WorkOrderAttemptEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'work_order_id' }) workOrderId!: string;
  @PrimaryColumn('integer') attempt!: number;
  @Column('uuid', { name: 'contractor_id' }) contractorId!: string;
  @Column('uuid', { name: 'branch_id' }) branchId!: string;
  @Column('uuid', { name: 'company_id' }) companyId!: string;
  @Column('text') trade!: Trade;
  /** The complaint's category at issue. */
  @Column('text', { nullable: true }) category!: Category | null;
  @Column('text') cause!: WorkOrderAttempt['cause'];
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'contact_due_at' }) contactDueAt!: Date;
  @Column('timestamptz', { name: 'contacted_at', nullable: true }) contactedAt!: Date | null;
  @Column('timestamptz', { name: 'booked_for', nullable: true }) bookedFor!: Date | null;
  @Column('timestamptz', { name: 'on_site_at', nullable: true }) onSiteAt!: Date | null;
  @Column('timestamptz', { name: 'completion_due_at', nullable: true }) completionDueAt!: Date | null;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
  @Column('text', { nullable: true }) missed!: WorkOrderAttempt['missed'];
  @Column('text', { nullable: true }) ended!: WorkOrderAttempt['ended'];
  @Column('boolean', { default: false }) reopened!: boolean;
  @Column('boolean', { name: 'return_visit_satisfied', nullable: true }) returnVisitSatisfied!: boolean | null;
}

/** One entry of a work order's timeline; (tenant, order, seq) is the idempotency key of its write. */
@Entity({ name: 'work_order_events' })
export class WorkOrderEventEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'work_order_id' }) workOrderId!: string;
  @PrimaryColumn('integer') seq!: number;
  @Column('text') type!: WorkOrderEventType;
  @Column('timestamptz') at!: Date;
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId!: string | null;
  @Column('jsonb', { default: () => "'{}'" }) payload!: Record<string, unknown>;
}

/** A customer's signature image (PNG or JPEG, ≤ 128 KiB; the table's checks repeat the gateway's). */
@Entity({ name: 'work_order_signatures' })
@Index('work_order_signatures_order_idx', ['tenantId', 'workOrderId'])
export class WorkOrderSignatureEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'work_order_id' }) workOrderId!: string;
  @Column('text', { name: 'content_type' }) contentType!: 'image/png' | 'image/jpeg';
  @Column('bytea') bytes!: Buffer;
  @Column('text') sha256!: string;
  @Column('uuid', { name: 'uploaded_by' }) uploadedBy!: string;
  @Column('timestamptz', { name: 'uploaded_at', default: () => 'now()' }) uploadedAt!: Date;
}
