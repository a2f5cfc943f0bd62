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
import { JSONScalar } from './common/json.scalar';
import { CoreModule } from './core.module';
import { HealthResolver } from './health/health.resolver';
import { OrganisationModule } from './organisation/organisation.module';
import './common/enums.graphql';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          sortSchema: true,
          path: '/graphql',
          graphiql: true,
          resolvers: { JSON: JSONScalar },
          buildSchemaOptions: { dateScalarMode: 'isoDate' },
          errorFormatter: (execution) => {
            const errors = (execution.errors ?? []).map((e) => formatGraphQLError(e as GraphQLError));
            // Resolver errors are part of a well-formed GraphQL response: HTTP 200 (GraphQL-over-HTTP, application/json).
            return { statusCode: execution.data === undefined && errors.some((e) => e.extensions.code === 'BAD_USER_INPUT') ? 400 : 200, response: { data: execution.data ?? null, errors } as never };
          },
        }),
        OrganisationModule,
        ComplaintsModule,
        PolicyModule,
        CalendarModule,
        ReportsModule,
      ],
      providers: [HealthResolver],
    };
  }
}
