import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** When in a complaint's life a file was attached. */
export const ATTACHMENT_STAGES = ['INTAKE', 'FOLLOW_UP', 'COMPLETION'] as const;
export type AttachmentStage = (typeof ATTACHMENT_STAGES)[number];

// PostgreSQL returns bigint as a string: sizes stay far below 2^53.
const BIGINT_AS_NUMBER = { to: (v: number) => v, from: (v: string | number) => Number(v) };

/**
 * A file attached to a complaint. The bytes are in the attachment store under `storageKey`
 * (`<tenant>/<id>`); `contentType` is what the gateway sniffed from the content, never what the
 * uploader declared.
 */
@Entity({ name: 'attachments' })
@Index('attachments_tenant_complaint_idx', ['tenantId', 'complaintId', 'createdAt'])
export class AttachmentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId!: string;

  @Column('uuid', { name: 'complaint_id' })
  complaintId!: string;

  @Column('text')
  stage!: AttachmentStage;

  @Column('text', { name: 'file_name' })
  fileName!: string;

  @Column('text', { name: 'content_type' })
  contentType!: string;

  @Column('bigint', { name: 'size_bytes', transformer: BIGINT_AS_NUMBER })
  sizeBytes!: number;

  @Column('text')
  sha256!: string;

  @Column('text', { name: 'storage_key' })
  storageKey!: string;

  @Column('uuid', { name: 'uploaded_by' })
  uploadedBy!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
