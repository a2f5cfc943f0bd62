import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { GatewayConfig } from './common/gateway.config';
import { InputValidationPipe } from './common/validation.pipe';

/** Builds the gateway application (used by main.ts, the tests and the bench). */
export async function createGateway(config: GatewayConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { logger: ['error', 'warn'] });
  app.useGlobalPipes(new InputValidationPipe());
  // On shutdown, a keep-alive connection whose request was in flight when close() began would stay
  // open for keepAliveTimeout (72 s) and hold the close: answer those requests with Connection: close.
  let closing = false;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  // GraphQL-over-HTTP: `variables`, `operationName` and `extensions` may be sent as null.
  fastify.addHook('preValidation', async (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object') {
      for (const key of ['extensions', 'variables', 'operationName']) if (body[key] === null) delete body[key];
    }
  });
  app.enableShutdownHooks();
  return app;
}
