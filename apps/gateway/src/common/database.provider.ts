import { Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../../../libs/persistence/src/data-source';
import { GATEWAY_CONFIG, GatewayConfig } from './gateway.config';

export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const InjectDataSource = (): ParameterDecorator => Inject(DATA_SOURCE);

export const databaseProvider = {
  provide: DATA_SOURCE,
  inject: [GATEWAY_CONFIG],
  useFactory: async (config: GatewayConfig): Promise<DataSource> => createDataSource(config.databaseUrl).initialize(),
};
