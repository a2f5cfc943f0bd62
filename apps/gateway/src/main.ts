import 'reflect-metadata';
import { announce, createLogger } from '../../../libs/observability/src/logger';
import { createGateway } from './bootstrap';
import { gatewayConfig } from './common/gateway.config';

const logger = createLogger('gateway');

async function main(): Promise<void> {
  const config = gatewayConfig();
  const app = await createGateway(config, { logger });
  await app.listen(config.port, config.host);
  // (test/support/gateway-process.ts waits for "GraphQL on" in this line: printed whatever LOG_LEVEL.)
  announce(logger, { port: config.port, host: config.host }, `gateway: GraphQL on http://${config.host}:${config.port}/graphql`);
}

main().catch((err: Error) => {
  logger.fatal({ err: { type: err?.name, message: err?.message, stack: err?.stack } }, 'gateway: fatal');
  process.exit(1);
});
