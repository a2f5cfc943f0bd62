import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One entry of a tenant's audit log: who (`actorId`, a user id or `platform-operator`) did what
 * (`action`) to which record, and how it ended (`outcome`: `OK` or the error code). Append-only:
 * the database refuses UPDATE, DELETE and TRUNCATE, whoever asks. `details` holds ids, field names
 * and codes only, never personal data.
 */
@Entity({ name: 'audit_log' })
@Index('audit_log_tenant_at_idx', ['tenantId', 'at', 'id'])
@Index('audit_log_tenant_record_idx', ['tenantId', 'recordId'])
export class AuditLogEntity {
  // bigint: the driver returns it as a string.
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('timestamptz', { default: () => 'now()' })
  at!: Date;

  @Column('text', { name: 'actor_id' })
  actorId!: string;

  @Column('text')
  action!: string;

  @Column('text', { name: 'record_type' })
  recordType!: string;

  @Column('text', { name: 'record_id', nullable: true })
  recordId!: string | null;

  @Column('text')
  outcome!: string;

  @Column('text', { name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column('jsonb', { default: () => "'{}'::jsonb" })
  details!: Record<string, unknown>;
}
