import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { randomUUID } from 'crypto';
import type { Readable } from 'stream';
import { DataSource } from 'typeorm';
import { AttachmentStore } from '../../../../../libs/persistence/src/attachment-store';
import { withTenantLock } from '../../../../../libs/persistence/src/advisory-lock';
import { AttachmentEntity, AttachmentStage, ComplaintEntity } from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { perRequestMemo } from '../../common/request-cache.util';
import type { ComplaintDto } from '../../complaints/dtos/complaint.dto';
import { ComplaintsService } from '../../complaints/services/complaints.service';
import { AttachmentSettings, MAX_ATTACHMENTS_PER_COMPLAINT, attachRefusal, attachmentSettings } from '../attachment.util';
import { AttachmentRefusedError } from '../exceptions/attachment.exception';

export const ATTACHMENT_STORE = Symbol('ATTACHMENT_STORE');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Files attached to complaints, scoped exactly like their complaint: whoever sees the complaint
 * (ComplaintsService) sees and downloads its files; staff of its branch and its assignee attach them.
 */
@Injectable()
export class AttachmentsService {
  private readonly attachments: TenantScopedRepository<AttachmentEntity>;
  readonly settings: AttachmentSettings;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly complaints: ComplaintsService,
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentStore,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.attachments = new TenantScopedRepository(ds, AttachmentEntity);
    this.settings = attachmentSettings(config);
  }

  /**
   * The complaint the caller may attach a file to: NOT_FOUND when they do not see it (another
   * tenant's, another branch's, none), FORBIDDEN when they see it but neither are staff of its
   * branch nor its assignee, BAD_USER_INPUT when it already holds the most files. Checked before the
   * file is read.
   */
  async attachTarget(p: Principal, complaintId: string): Promise<ComplaintEntity> {
    if (!UUID.test(complaintId)) throw new BadUserInputError([{ field: 'complaintId', message: 'must be a complaint id (a UUID)' }]);
    const c = await this.complaints.get(p, complaintId);
    const refusal = attachRefusal(p, c);
    if (refusal) throw new ForbiddenError(refusal);
    await this.ensureRoom(c);
    return c;
  }

  /**
   * Streams the file into the store and records it. The stream fails (and the store keeps nothing)
   * on a size limit; a complaint that filled up meanwhile refuses it and the stored file is removed.
   */
  async attach(p: Principal, c: ComplaintEntity, file: { stage: AttachmentStage; fileName: string; contentType: string }, content: Readable): Promise<AttachmentEntity> {
    const tenantId = tenantOf(p);
    const id = randomUUID();
    const storageKey = `${tenantId}/${id}`;
    const { size, sha256 } = await this.store.put(storageKey, content);
    try {
      // One upload at a time per complaint between the count and the insert: the limit holds under concurrency.
      return await withTenantLock(this.ds, tenantId, `attachments:${c.id}`, async () => {
        await this.ensureRoom(c);
        return this.attachments.insert(tenantId, {
          id, complaintId: c.id, stage: file.stage, fileName: file.fileName, contentType: file.contentType, sizeBytes: size, sha256, storageKey,
          uploadedBy: p.userId, createdAt: new Date(),
        });
      });
    } catch (err) {
      await this.store.delete(storageKey).catch(() => undefined);
      throw err;
    }
  }

  /** An attachment and its bytes, when the caller sees its complaint; otherwise (or another tenant's) NOT_FOUND. */
  async open(p: Principal, id: string): Promise<{ attachment: AttachmentEntity; content: Readable }> {
    if (!UUID.test(id)) throw new BadUserInputError([{ field: 'id', message: 'must be an attachment id (a UUID)' }]);
    const tenantId = tenantOf(p);
    const attachment = await this.attachments.findOne(tenantId, { id });
    if (!attachment || !(await this.complaints.find(p, attachment.complaintId))) throw new NotFoundError('attachment');
    return { attachment, content: this.store.get(attachment.storageKey) };
  }

  /** A complaint's files, oldest first (the complaint was resolved for the caller, so they see it); batched per request. */
  forComplaint(ctx: object, c: Pick<ComplaintDto, 'id' | 'tenantId'>): Promise<AttachmentEntity[]> {
    const loader = perRequestMemo(ctx, `attachments:${c.tenantId}`, () => new DataLoader<string, AttachmentEntity[]>(async (ids) => {
      const rows = await this.attachments.read(c.tenantId, 'a', (qb) => qb
        .andWhere('a.complaintId IN (:...ids)', { ids: [...ids] }).orderBy('a.createdAt', 'ASC').addOrderBy('a.id', 'ASC').getMany());
      return ids.map((id) => rows.filter((r) => r.complaintId === id));
    }));
    return loader.load(c.id);
  }

  private async ensureRoom(c: ComplaintEntity): Promise<void> {
    const n = await this.attachments.count(c.tenantId, { complaintId: c.id });
    if (n >= MAX_ATTACHMENTS_PER_COMPLAINT) {
      throw new AttachmentRefusedError('COUNT', 'complaintId', `the complaint already has ${n} attachments, the most one complaint holds (${MAX_ATTACHMENTS_PER_COMPLAINT})`);
    }
  }
}
