import { Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertRowSecurityApplies } from '../../../../libs/persistence/src/application-role';
import { createDataSource, dataSourceOptions } from '../../../../libs/persistence/src/data-source';
import { GATEWAY_CONFIG, GatewayConfig } from './gateway.config';
import { resolveLimits } from './limits';

export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const InjectDataSource = (): ParameterDecorator => Inject(DATA_SOURCE);

/**
 * The gateway's pool. Every statement it runs is cut off by PostgreSQL after `statementTimeoutMs`
 * (and a transaction left idle after twice that), so no request holds a connection for long; how
 * many connections one tenant can hold at once is bounded by the per-tenant concurrency limit.
 */
export function gatewayDataSource(config: GatewayConfig): DataSource {
  const { statementTimeoutMs } = resolveLimits(config);
  const base = dataSourceOptions(config.databaseUrl) as { extra?: Record<string, unknown> };
  return createDataSource(config.databaseUrl, {
    extra: { ...base.extra, statement_timeout: statementTimeoutMs, idle_in_transaction_session_timeout: 2 * statementTimeoutMs },
  });
}

export const databaseProvider = {
  provide: DATA_SOURCE,
  inject: [GATEWAY_CONFIG],
  useFactory: async (config: GatewayConfig): Promise<DataSource> => {
    const ds = await gatewayDataSource(config).initialize();
    try {
      await assertRowSecurityApplies(ds, config.allowRowSecurityBypass === true);
    } catch (err) {
      await ds.destroy();
      throw err;
    }
    return ds;
  },
};
