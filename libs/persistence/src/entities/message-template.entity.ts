import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One version of a tenant's template for one kind of message to complainants. Versions are written
 * once and never changed (like the policy's); the newest is the one messages are rendered with, and
 * an outbound message records the version it used. Version 0 is never stored: it is the built-in
 * Chinese default (`DEFAULT_TEMPLATES`), used while a kind has no version of its own.
 */
@Entity({ name: 'message_templates' })
export class MessageTemplateEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  /** A MessageKind (ACKNOWLEDGEMENT, PROGRESS, RESULT, CALLBACK_APPOINTMENT). */
  @PrimaryColumn('text') kind!: string;
  @PrimaryColumn('int') version!: number;
  @Column('text', { nullable: true }) subject!: string | null;
  @Column('text') body!: string;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
