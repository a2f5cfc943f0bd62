import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's own search term (an estate's name, a local word): segmented as one word in its complaints and searches. */
@Entity({ name: 'text_terms' })
export class TextTermEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('text') term!: string;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/**
 * One training of a tenant's category classifier (on that tenant's confirmed complaints only), with
 * its accuracy on the held-out fifth. The newest version is the one suggestions use.
 */
@Entity({ name: 'category_models' })
export class CategoryModelEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' }) tenantId!: string;
  @PrimaryColumn('int') version!: number;
  /** The training run that wrote it (its workflow run): a retried training writes one version, not two. */
  @Column('text', { name: 'run_id' }) runId!: string;
  @Column('timestamptz', { name: 'trained_at' }) trainedAt!: Date;
  /** Confirmed complaints it learnt from (0: the keyword lexicon alone). */
  @Column('int', { name: 'trained_on' }) trainedOn!: number;
  /** Confirmed complaints held out to measure it. */
  @Column('int', { name: 'held_out' }) heldOut!: number;
  /** Top-1 accuracy on the held-out complaints (null: none held out). */
  @Column('double precision', { nullable: true }) accuracy!: number | null;
  /** Per category: { samples, correct, accuracy } on the held-out complaints. */
  @Column('jsonb', { name: 'per_category' }) perCategory!: Record<string, { samples: number; correct: number; accuracy: number | null }>;
  /** The classifier itself (CategoryModel of libs/text). */
  @Column('jsonb') model!: Record<string, unknown>;
}
