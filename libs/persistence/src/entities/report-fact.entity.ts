import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Category, ComplaintKind, DeadlineKind, Severity } from '../../../domain/src/enums';

/**
 * One complaint's outcome so far, as the reports count it (migration 1763920000000-reporting).
 * Kept by the worker in the same tenant transaction as the read model; "first" instants stay once
 * set, and `updatedSeq` (the workflow's event sequence) never moves backwards.
 */
@Entity({ name: 'report_complaint_facts' })
export class ReportComplaintFactEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'complaint_id' }) complaintId!: string;
  @Column('uuid', { name: 'company_id' }) companyId!: string;
  @Column('uuid', { name: 'branch_id' }) branchId!: string;
  /** The zone its days are counted in: its branch's (migration 1763930000000-report-rollups). */
  @Column('text') zone!: string;
  @Column('text') category!: Category;
  @Column('text') kind!: ComplaintKind;
  /** The current level. */
  @Column('text') severity!: Severity;
  /** The highest level the complaint ever had. */
  @Column('text', { name: 'peak_severity' }) peakSeverity!: Severity;
  /** When it first became HOT or MAJOR (null if never). */
  @Column('timestamptz', { name: 'hot_or_major_at', nullable: true }) hotOrMajorAt!: Date | null;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  /** validity = VALID */
  @Column('boolean') valid!: boolean;
  /** validity = INVALID */
  @Column('boolean') invalid!: boolean;
  /** The first resolution (a reopen does not clear it). */
  @Column('timestamptz', { name: 'resolved_at', nullable: true }) resolvedAt!: Date | null;
  /** The first callback. */
  @Column('timestamptz', { name: 'called_back_at', nullable: true }) calledBackAt!: Date | null;
  /** The last callback's verdict (null before any callback). */
  @Column('boolean', { nullable: true }) satisfied!: boolean | null;
  /** round > 1 */
  @Column('boolean') reopened!: boolean;
  /** When it closed (status CLOSED only; a withdrawal or merge is not a closure). */
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('boolean') withdrawn!: boolean;
  @Column('boolean') merged!: boolean;
  /** Not closed, withdrawn or merged. */
  @Column('boolean') open!: boolean;
  /** Some deadline breached and not met (as the read model's overdue flag). */
  @Column('boolean') overdue!: boolean;
  /** Who dispatched it first. */
  @Column('uuid', { name: 'dispatcher_id', nullable: true }) dispatcherId!: string | null;
  /** The specialist who follows it through (首问责任人, or whom it was handed over to). */
  @Column('uuid', { name: 'specialist_id', nullable: true }) specialistId!: string | null;
  @Column('int', { name: 'escalation_count' }) escalationCount!: number;
  @Column('timestamptz', { name: 'special_report_at', nullable: true }) specialReportAt!: Date | null;
  @Column('int', { name: 'updated_seq' }) updatedSeq!: number;
}

/**
 * One deadline of a complaint (kind, round, started): a stage of its handling, as the timeliness
 * rate and the stage times count it. A complaint's rows are replaced as a whole by a newer write.
 */
@Entity({ name: 'report_stage_facts' })
export class ReportStageFactEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'complaint_id' }) complaintId!: string;
  @PrimaryColumn('text') kind!: DeadlineKind;
  @PrimaryColumn('int') round!: number;
  /** The deadline's anchor: when the obligation started. */
  @PrimaryColumn('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'due_at' }) dueAt!: Date;
  /** When it was met (null while open, or when cancelled by a merge). */
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
  @Column('timestamptz', { name: 'breached_at', nullable: true }) breachedAt!: Date | null;
  @Column('timestamptz', { name: 'cancelled_at', nullable: true }) cancelledAt!: Date | null;
  /** completed_at ≤ due_at (null while not completed). */
  @Column('boolean', { name: 'met_on_time', nullable: true }) metOnTime!: boolean | null;
  /** The assignee when it was met. */
  @Column('uuid', { name: 'actor_id', nullable: true }) actorId!: string | null;
  @Column('uuid', { name: 'company_id' }) companyId!: string;
  @Column('uuid', { name: 'branch_id' }) branchId!: string;
  /** The zone its days are counted in: its branch's. */
  @Column('text') zone!: string;
  @Column('text') category!: Category;
  @Column('text', { name: 'severity_at_completion', nullable: true }) severityAtCompletion!: Severity | null;
  @Column('int', { name: 'updated_seq' }) updatedSeq!: number;
}
