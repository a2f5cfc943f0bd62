import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ATTACHMENT_STAGES, AttachmentEntity, AttachmentStage } from '../../../../../libs/persistence/src/entities';

export const AttachmentStageEnum = Object.fromEntries(ATTACHMENT_STAGES.map((s) => [s, s])) as { [K in AttachmentStage]: K };
registerEnumType(AttachmentStageEnum, { name: 'AttachmentStage', description: 'when in the complaint\'s life a file was attached' });

/** Where a file is downloaded from (with the caller's bearer token). */
export function attachmentUrl(id: string): string {
  return `/attachments/${id}`;
}

@ObjectType('Attachment', { description: 'a file attached to a complaint (a photo, the signed service order, a letter)' })
export class AttachmentDto {
  @Field(() => ID) id!: string;
  @Field(() => AttachmentStageEnum) stage!: AttachmentStage;
  @Field({ description: 'the name it was uploaded under' }) fileName!: string;
  @Field({ description: 'the media type sniffed from its content (not the one declared by the uploader)' }) contentType!: string;
  @Field(() => Int) sizeBytes!: number;
  @Field() uploadedAt!: Date;
  @Field({ description: 'GET it with the bearer token: /attachments/<id>' }) url!: string;
}

export function toAttachmentDto(a: AttachmentEntity): AttachmentDto {
  return {
    id: a.id, stage: a.stage, fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes, uploadedAt: a.createdAt, url: attachmentUrl(a.id),
  };
}
