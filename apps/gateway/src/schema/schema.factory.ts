import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { GraphQLSchema } from 'graphql';
import { ComplaintsResolver, SpecialReportResolver } from '../complaints/complaints.resolver';
import { CalendarResolver } from '../calendar/calendar.resolver';
import { HealthResolver } from '../health/health.resolver';
import { PolicyResolver } from '../policy/policy.resolver';
import { ReportsResolver } from '../reports/reports.resolver';
import { ReportFiguresResolver } from '../reports/report-figures.resolver';
import { DailyReportResolver, DailyReportSnapshotResolver } from '../reports/daily-report.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { ComplaintMatterFieldsResolver, MattersResolver } from '../matters/matters.resolver';
import { SubscriptionsResolver } from '../subscriptions/subscriptions.resolver';
import { ComplaintEscalationsResolver, EscalationsResolver } from '../escalations/escalations.resolver';
import {
  BranchCalendarResolver, BranchResolver, CompanyResolver, TenantResolver, UserResolver,
} from '../organisation/organisation.resolver';
import {
  ComplaintWorkOrdersResolver, ContractorScoreResolver, ContractorsResolver, WorkOrderAttemptResolver, WorkOrderEventResolver, WorkOrdersResolver,
} from '../work-orders/work-orders.resolver';
import { CategoryModelResolver } from '../category-model/category-model.resolver';
import { ComplaintTextFieldsResolver, TextResolver } from '../text/text.resolver';
import { ComplaintMessagesResolver, CustomerMessagesResolver } from '../customer-messages/customer-messages.resolver';
import { MessageChannelsResolver } from '../message-channels/message-channels.resolver';
import { MessageTemplatesResolver } from '../message-templates/message-templates.resolver';
import { ComplaintAttachmentsResolver } from '../attachments/attachments.resolver';
import '../common/enums.graphql';

/** Every resolver class of the gateway: the code-first schema is generated from these. */
export const RESOLVERS = [
  HealthResolver, TenantResolver, CompanyResolver, BranchResolver, BranchCalendarResolver, UserResolver, ComplaintsResolver, SpecialReportResolver, PolicyResolver,
  CalendarResolver, ReportsResolver, ReportFiguresResolver, AuditResolver, SubscriptionsResolver, MattersResolver, ComplaintMatterFieldsResolver,
  EscalationsResolver, ComplaintEscalationsResolver,
  WorkOrdersResolver, WorkOrderAttemptResolver, WorkOrderEventResolver, ContractorScoreResolver, ContractorsResolver, ComplaintWorkOrdersResolver,
  DailyReportResolver, DailyReportSnapshotResolver,
  CategoryModelResolver,
  TextResolver, ComplaintTextFieldsResolver, CustomerMessagesResolver, ComplaintMessagesResolver,
  MessageChannelsResolver,
  ComplaintAttachmentsResolver,
  MessageTemplatesResolver,
];

/** Generates the gateway's schema from code, without databases or servers. */
export async function generateSchema(): Promise<GraphQLSchema> {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    const factory = app.get(GraphQLSchemaFactory);
    return await factory.create(RESOLVERS, { dateScalarMode: 'isoDate' });
  } finally {
    await app.close();
  }
}
