import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One level of an escalation as raised: who was told, when, by when they must acknowledge, and
 * whether someone did or it was superseded by the next level. Written by the escalation workflow's
 * activities, keyed by (tenant, workflow, step) so a retried write never doubles a level.
 */
@Entity({ name: 'escalations' })
@Index('escalations_tenant_complaint_idx', ['tenantId', 'complaintId', 'raisedAt'])
export class EscalationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'complaint_id' })
  complaintId!: string;

  /** The escalation workflow (`escalation/<tenant>/<complaint>/<trigger>/<n>`) that raised it. */
  @Column('text', { name: 'workflow_id' })
  workflowId!: string;

  @Column('integer')
  step!: number;

  /** HOT, MAJOR, EMERGENCY or DEADLINE_BREACHED:<kind>. */
  @Column('text')
  trigger!: string;

  /** What the contract shows: SEVERITY:MAJOR, EMERGENCY, DEADLINE_BREACHED:RESOLUTION (…:PROGRESS for a progress report). */
  @Column('text')
  reason!: string;

  @Column('text')
  level!: string;

  @Column('uuid', { name: 'notified_user_ids', array: true })
  notifiedUserIds!: string[];

  @Column('timestamptz', { name: 'raised_at' })
  raisedAt!: Date;

  @Column('timestamptz', { name: 'ack_due_at' })
  ackDueAt!: Date;

  @Column('timestamptz', { name: 'acknowledged_at', nullable: true })
  acknowledgedAt!: Date | null;

  @Column('uuid', { name: 'acknowledged_by', nullable: true })
  acknowledgedBy!: string | null;

  @Column('boolean')
  superseded!: boolean;

  /** The trigger's escalation rule the workflow runs under (fixed when it started). */
  @Column('jsonb')
  policy!: unknown;
}
