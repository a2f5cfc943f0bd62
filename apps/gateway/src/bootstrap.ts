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
  // GraphQL-over-HTTP: `variables`, `operationName` and `extensions` may be sent as null.
  app.getHttpAdapter().getInstance().addHook('preValidation', async (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object') {
      for (const key of ['extensions', 'variables', 'operationName']) if (body[key] === null) delete body[key];
    }
  });
  app.enableShutdownHooks();
  return app;
}
