import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLPassThroughFilter } from './common/graphql-exception.filter';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { databaseProvider, DATA_SOURCE } from './common/database.provider';
import { DateTimeScalar } from './common/date-time.scalar';
import { GATEWAY_CONFIG, GatewayConfig } from './common/gateway.config';
import { TemporalClientProvider } from './common/temporal.provider';

/** What every capability needs: configuration, the database, the Temporal client and authentication. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: GatewayConfig) {
    return {
      module: CoreModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        databaseProvider,
        TemporalClientProvider,
        AuthService,
        // Replaces Nest's lenient DateTime (Date) scalar everywhere in the schema.
        DateTimeScalar,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: GraphQLPassThroughFilter },
      ],
      exports: [GATEWAY_CONFIG, DATA_SOURCE, TemporalClientProvider, AuthService],
    };
  }
}
