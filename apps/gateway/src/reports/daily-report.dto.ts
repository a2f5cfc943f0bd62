import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { CalendarDate, FILTER_YEARS } from '../common/input-rules';
import { ReportFiguresDto } from './dtos/report.dto';

/** The date and branch of one daily report (003 八.1). */
@ArgsType()
export class DailyReportArgs {
  @Field({ description: 'the local date reported on, "YYYY-MM-DD" in the branch\'s time zone (the report is built the next morning)' })
  @CalendarDate(FILTER_YEARS.from, FILTER_YEARS.to) date!: string;
  @Field(() => ID) @IsUUID('all', { message: 'branchId must be an id' }) branchId!: string;
}

@ObjectType('ReportReceipt', {
  description: 'One staff member\'s copy of a branch\'s daily complaint report (003 八.1): when it was due to be read, read, and reminded',
})
export class ReportReceiptDto {
  @Field({ description: '"YYYY-MM-DD", the day reported on' }) date!: string;
  @Field(() => Date, { nullable: true, description: 'when they first marked it read (null: not yet); a later read does not move it' }) readAt!: Date | null;
  @Field({ description: 'built + the policy\'s reports.readWithin (PT1H by default): read by then, or reminded' }) due!: Date;
  @Field(() => Date, { nullable: true, description: 'when they were reminded because it was still unread when due (null: read in time, or not yet due)' })
  remindedAt!: Date | null;
  // user and branch are resolved fields.
  tenantId!: string;
  userId!: string;
  branchId!: string;
}

@ObjectType('DailyReportSnapshot', {
  description: 'A branch\'s daily complaint report as it was built (003 八.1): the day\'s figures in the branch\'s time zone, '
    + 'who it was addressed to (the branch\'s BRANCH_MANAGER, DISPATCHER and HANDLER grants), how many read it, and who had not when it fell due',
})
export class DailyReportSnapshotDto {
  @Field({ description: '"YYYY-MM-DD", the day reported on' }) date!: string;
  @Field(() => ReportFiguresDto, { description: 'the day\'s figures in the branch\'s time zone, as they stood when the report was built (a snapshot)' })
  figures!: ReportFiguresDto;
  @Field() builtAt!: Date;
  @Field({ description: 'by then every recipient should have read it' }) due!: Date;
  @Field(() => Int, { description: 'how many staff it was addressed to' }) recipients!: number;
  @Field(() => Int, { description: 'how many of them have marked it read' }) read!: number;
  // branch and unreadAfterDue are resolved fields.
  tenantId!: string;
  branchId!: string;
  unreadAfterDueIds!: string[];
}
