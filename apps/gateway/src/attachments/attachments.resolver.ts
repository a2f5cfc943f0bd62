import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import { AttachmentDto, toAttachmentDto } from './dtos/attachment.dto';
import { AttachmentsService } from './services/attachments.service';

/** A complaint's files (uploaded and downloaded over HTTP at /attachments: see attachments.route.ts). */
@Resolver(() => ComplaintDto)
export class ComplaintAttachmentsResolver {
  constructor(private readonly service: AttachmentsService) {}

  @ResolveField(() => [AttachmentDto], { description: 'files attached at intake, on follow-ups and at completion, oldest first' })
  async attachments(@Context() ctx: object, @Parent() c: ComplaintDto): Promise<AttachmentDto[]> {
    return (await this.service.forComplaint(ctx, c)).map(toAttachmentDto);
  }
}
