import fastifyStatic from '@fastify/static';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import * as fs from 'fs';
import * as path from 'path';
import { GatewayConfig } from '../../common/gateway.config';
import { installReportExport } from './report-export.route';

const logger = new Logger('Console');
const PREFIX = '/console';
const HASHED_ASSETS = `${path.sep}assets${path.sep}`;
const LONG_CACHE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

/**
 * Where the console's production build is: CONSOLE_DIR, else the nearest dist/console above this
 * file (the repository's when run from source, the image's /app/dist/console when run from dist/),
 * else the repository's (not built yet).
 */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONSOLE_DIR) return path.resolve(env.CONSOLE_DIR);
  let root: string | null = null;
  for (let dir = __dirname, i = 0; i < 10; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', 'console');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    if (!root && fs.existsSync(path.join(dir, 'package.json'))) root = dir;
  }
  return path.join(root ?? process.cwd(), 'dist', 'console');
}

/** What the console learns from the gateway before sign-in: where GraphQL is, and the group's identity provider if any. */
export function consoleSettings(config: GatewayConfig): { graphqlPath: string; oidcIssuer: string | null } {
  const provider = (config.identityProviders ?? []).find((p) => !p.platformOperator);
  return { graphqlPath: '/graphql', oidcIssuer: provider?.issuer ?? null };
}

/**
 * The head-office console at /console: the export route (always), and the static build with an
 * SPA fallback to index.html (only when dist/console exists; `npm run console:build` makes it).
 * Hashed assets are cached for a year; index.html is revalidated every time.
 */
export async function installConsole(fastify: FastifyInstance, app: INestApplicationContext, config: GatewayConfig): Promise<void> {
  installReportExport(fastify, app);
  fastify.get(`${PREFIX}/config.json`, async (_req, reply) => reply.header('cache-control', NO_CACHE).send(consoleSettings(config)));
  const root = consoleDir();
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    logger.warn(`the console is not built (${root} has no index.html): /console is not served; run npm run console:build`);
    return;
  }
  await fastify.register(fastifyStatic, {
    root,
    prefix: `${PREFIX}/`,
    // Routes for the files present now; every other /console path is the app's (below).
    wildcard: false,
    index: false,
    cacheControl: false,
    // The build writes .br and .gz copies of its assets (scripts/console-build.ts): sent when accepted.
    preCompressed: true,
    setHeaders: (res, filePath) => {
      res.setHeader('cache-control', filePath.includes(HASHED_ASSETS) ? LONG_CACHE : NO_CACHE);
    },
  });
  const index = async (_req: unknown, reply: import('fastify').FastifyReply) => reply.header('cache-control', NO_CACHE).type('text/html; charset=utf-8').sendFile('index.html', root);
  fastify.get(PREFIX, index);
  fastify.get(`${PREFIX}/`, index);
  fastify.get(`${PREFIX}/*`, async (req, reply) => {
    // A missing hashed asset is a 404 (a stale page asking for an old build), not the app.
    if (req.url.startsWith(`${PREFIX}/assets/`)) return reply.code(404).header('cache-control', NO_CACHE).send({ error: { code: 'NOT_FOUND', message: 'no such asset' } });
    return index(req, reply);
  });
}
