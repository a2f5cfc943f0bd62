import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One message to a complainant (the transactional outbox): queued with the step that called for it, sent by the worker's delivery loop. */
@Entity({ name: 'outbound_messages' })
export class OutboundMessageEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'tenant_id' }) tenantId!: string;
  @Column('uuid', { name: 'complaint_id' }) complaintId!: string;
  @Column('uuid', { name: 'branch_id' }) branchId!: string;
  /** ACKNOWLEDGEMENT, PROGRESS, RESULT, CALLBACK_APPOINTMENT. */
  @Column('text') kind!: string;
  /** SMS, WECHAT, EMAIL; NONE when the customer has no reachable contact. */
  @Column('text') channel!: string;
  @Column('text', { nullable: true }) recipient!: string | null;
  @Column('text', { nullable: true }) subject!: string | null;
  @Column('text') body!: string;
  @Column('int', { name: 'template_version' }) templateVersion!: number;
  @Column('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('text', { array: true }) meets!: string[];
  @Column('boolean') urgent!: boolean;
  /** QUEUED, DELIVERED, FAILED, OPTED_OUT, NO_CONTACT. */
  @Column('text') status!: string;
  @Column('int') attempts!: number;
  /** Not before the end of the quiet hours (branch time zone) unless urgent. */
  @Column('timestamptz', { name: 'not_before' }) notBefore!: Date;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt!: Date;
  @Column('text', { name: 'provider_message_id', nullable: true }) providerMessageId!: string | null;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
}

/** A complainant's contact (mobile digits, e-mail or openid, lower case) that receives no messages. */
@Entity({ name: 'complainant_opt_outs' })
export class ComplainantOptOutEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('text') contact!: string;
  @Column('timestamptz', { name: 'opted_out_at' }) optedOutAt!: Date;
  @Column('uuid', { name: 'recorded_by', nullable: true }) recordedBy!: string | null;
}
