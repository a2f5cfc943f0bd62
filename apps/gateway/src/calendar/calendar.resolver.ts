import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../auth/auth.guard';
import { Principal } from '../auth/principal';
import { UuidArg } from '../common/input-rules';
import { BranchEntity } from '../../../../libs/persistence/src/entities';
import { BranchDto } from '../organisation/dtos/organisation.dto';
import { BranchCalendarInput } from './dtos/calendar.input';
import { CalendarService } from './services/calendar.service';

@Resolver(() => BranchDto)
export class CalendarResolver {
  constructor(private readonly calendars: CalendarService) {}

  @Mutation(() => BranchDto, { description: 'HEAD_OFFICE, COMPANY_MANAGER, BRANCH_MANAGER; running complaints reschedule their open deadlines' })
  setBranchCalendar(
    @CurrentPrincipal() p: Principal,
    @Args('branchId', { type: () => ID }, UuidArg) branchId: string,
    @Args('calendar') calendar: BranchCalendarInput,
  ): Promise<BranchEntity> {
    return this.calendars.setBranchCalendar(p, branchId, calendar);
  }
}
