import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { ComplaintDto } from '../complaints/dtos/complaint.dto';
import { toDto } from '../complaints/services/complaints.service';
import { CustomerMessageDto, OptOutArgs } from './dtos/customer-message.dto';
import { CustomerMessagesService } from './services/customer-messages.service';

@Resolver()
export class CustomerMessagesResolver {
  constructor(private readonly service: CustomerMessagesService) {}

  @Mutation(() => ComplaintDto, { description: 'staff of the branch: the customer of this complaint receives no more messages on any of their contacts (optOut: false undoes it)' })
  async setComplainantOptOut(@CurrentPrincipal() p: Principal, @Args() a: OptOutArgs): Promise<ComplaintDto> {
    return toDto(await this.service.setOptOut(p, a.complaintId, a.optOut), p);
  }
}

/** The messages to a complaint's customer. */
@Resolver(() => ComplaintDto)
export class ComplaintMessagesResolver {
  constructor(private readonly service: CustomerMessagesService) {}

  @ResolveField(() => [CustomerMessageDto], { description: 'messages to the customer (件件有回音), oldest first: status, channel, the provider\'s reason when one failed; staff of the complaint only' })
  customerMessages(@CurrentPrincipal() p: Principal, @Parent() c: ComplaintDto): Promise<CustomerMessageDto[]> {
    return this.service.forComplaint(p, c);
  }
}
