import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One branch's daily complaint report (003 八.1): yesterday's figures as they stood when it was built
 * (a snapshot, never rebuilt), addressed to the branch's staff (`DailyReportReceiptEntity`).
 */
@Entity({ name: 'daily_reports' })
export class DailyReportEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'branch_id' }) branchId!: string;
  /** The local date reported on, in the branch's time zone ("YYYY-MM-DD"). */
  @PrimaryColumn('date') date!: string;
  /** The report's figures (the shape of GraphQL ReportFigures, instants as ISO strings). */
  @Column('jsonb') figures!: Record<string, unknown>;
  @Column('timestamptz', { name: 'built_at' }) builtAt!: Date;
  /** builtAt + the policy's readWithin: by then every recipient should have read it. */
  @Column('timestamptz', { name: 'due_at' }) dueAt!: Date;
  @Column('int') recipients!: number;
  /** When the reading time passed and the unread were reminded (null: not yet). */
  @Column('timestamptz', { name: 'reminded_at', nullable: true }) remindedAt!: Date | null;
  /** Who had not read it by its due time: the line on the branch manager's report (null: not yet due). */
  @Column('uuid', { name: 'unread_after_due', array: true, nullable: true }) unreadAfterDue!: string[] | null;
}

/** One staff member's copy of a daily report: when it was due, read and (if unread when due) reminded. */
@Entity({ name: 'daily_report_receipts' })
export class DailyReportReceiptEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('uuid', { name: 'branch_id' }) branchId!: string;
  @PrimaryColumn('date') date!: string;
  @PrimaryColumn('uuid', { name: 'user_id' }) userId!: string;
  @Column('timestamptz', { name: 'due_at' }) dueAt!: Date;
  @Column('timestamptz', { name: 'read_at', nullable: true }) readAt!: Date | null;
  @Column('timestamptz', { name: 'reminded_at', nullable: true }) remindedAt!: Date | null;
}
