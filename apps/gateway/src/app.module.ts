import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { GraphQLError } from 'graphql';
import { CalendarModule } from './calendar/calendar.module';
import { ComplaintsModule } from './complaints/complaints.module';
import { PolicyModule } from './policy/policy.module';
import { ReportsModule } from './reports/reports.module';
import { formatGraphQLError } from './common/error-formatter';
import { GatewayConfig } from './common/gateway.config';
import { graphqlHttpResponse } from './common/graphql-http';
import { limitValidationRules, resolveLimits } from './common/limits';
import { JSONScalar } from './common/json.scalar';
import { CoreModule } from './core.module';
import { HealthResolver } from './health/health.resolver';
import { OrganisationModule } from './organisation/organisation.module';
import { AuditModule } from './audit/audit.module';
import { MattersModule } from './matters/matters.module';
import { EscalationsModule } from './escalations/escalations.module';
import { WorkOrdersModule } from './work-orders/work-orders.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { CategoryModelModule } from './category-model/category-model.module';
import { TextModule } from './text/text.module';
import { CustomerMessagesModule } from './customer-messages/customer-messages.module';
import { MessageChannelsModule } from './message-channels/message-channels.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { MessageTemplatesModule } from './message-templates/message-templates.module';
import { subscriptionHooks, subscriptionOptions } from './subscriptions/subscription-options';
import './common/enums.graphql';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const limits = resolveLimits(config);
    const development = config.development === true;
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          // GraphiQL and introspection only in development mode (GRAPHQL_DEV=1; `npm start` sets it).
          graphiql: development,
          // One operation per request: a batch would multiply every limit below.
          allowBatchedQueries: false,
          resolvers: { JSON: JSONScalar },
          buildSchemaOptions: { dateScalarMode: 'isoDate' },
          // Refused before anything runs: the parser stops at maxTokens; depth, aliases, directives
          // and cost are validation rules (graphql-armor); introspection is refused outside development.
          graphql: { parseOptions: { maxTokens: limits.maxTokens } },
          validationRules: limitValidationRules(limits, development),
          // GraphQL over HTTP: the response media type and status codes (see common/graphql-http.ts).
          // Live updates over graphql-ws (see subscriptions/): authenticated in connection_init, validated like HTTP.
          subscription: subscriptionOptions(config),
          hooks: subscriptionHooks(limits, development),
          errorFormatter: (execution, context) =>
            graphqlHttpResponse(execution, context as never, (e) => formatGraphQLError(e), limits.maxTokens) as never,
        }),
        OrganisationModule,
        ComplaintsModule,
        PolicyModule,
        CalendarModule,
        ReportsModule,
        AuditModule,
        MattersModule,
        EscalationsModule,
        WorkOrdersModule,
        SubscriptionsModule,
        CategoryModelModule,
        TextModule,
        CustomerMessagesModule,
        MessageChannelsModule,
        AttachmentsModule,
        MessageTemplatesModule,
      ],
      providers: [HealthResolver],
    };
  }
}
