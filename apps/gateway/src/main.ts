import 'reflect-metadata';
import { createGateway } from './bootstrap';
import { gatewayConfig } from './common/gateway.config';

async function main(): Promise<void> {
  const config = gatewayConfig();
  const app = await createGateway(config);
  await app.listen(config.port, config.host);
  console.log(`gateway: GraphQL on http://${config.host}:${config.port}/graphql`);
}

main().catch((err) => {
  console.error('gateway: fatal', err);
  process.exit(1);
});
