import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { GATEWAY_CONFIG, GatewayConfig } from './gateway.config';
import { UnavailableError } from './app-error';
import { RequestIdClientInterceptor } from '../observability/temporal-request-id.interceptor';

/**
 * The gateway's Temporal client, connected lazily: the API still answers reads (and says
 * UNAVAILABLE for actions) while Temporal is down, and reconnects when it is back.
 */
@Injectable()
export class TemporalClientProvider implements OnModuleDestroy {
  private readonly logger = new Logger('Temporal');
  private client: Promise<Client> | null = null;
  private connection: Connection | null = null;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async get(): Promise<Client> {
    if (!this.client) {
      this.client = (async () => {
        const connection = await Connection.connect({ address: this.config.temporalAddress, connectTimeout: '5s' });
        this.connection = connection;
        // Each start, update and signal carries the HTTP request's id in its Temporal headers (the worker logs it).
        return new Client({ connection, namespace: this.config.namespace, interceptors: { workflow: [new RequestIdClientInterceptor()] } });
      })();
      this.client.catch((err) => {
        this.logger.warn(`cannot reach Temporal at ${this.config.temporalAddress}: ${err.message}`);
        this.client = null;
      });
    }
    try {
      return await this.client;
    } catch {
      throw new UnavailableError('the complaint engine (Temporal) is unreachable');
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }
}
