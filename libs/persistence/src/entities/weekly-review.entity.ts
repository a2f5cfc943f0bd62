import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The result of one Monday review of last week's open complaints (004 §3.1.8). */
@Entity({ name: 'weekly_reviews' })
export class WeeklyReviewEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  /** The Monday of the week reviewed, in the group's time zone. */
  @PrimaryColumn('date', { name: 'week_start' }) weekStart!: string;
  @Column('timestamptz', { name: 'reviewed_at' }) reviewedAt!: Date;
  @Column('int', { name: 'open_count' }) openCount!: number;
  @Column('int', { name: 'overdue_count' }) overdueCount!: number;
  @Column('jsonb', { name: 'by_branch' }) byBranch!: Record<string, { open: number; overdue: number }>;
  @Column('jsonb', { name: 'complaint_ids' }) complaintIds!: string[];
}
