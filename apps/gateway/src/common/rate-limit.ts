import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { requestToken } from '../auth/jwt.util';
import type { TokenVerifier } from '../auth/token-verifier';
import { ErrorCode } from './app-error';
import { GatewayLimits } from './limits';

/**
 * Rate limits (per user, per tenant, per IP without a token) and a per-tenant concurrency limit
 * on the GraphQL route. The token is verified here only to key the limits on its subject and
 * tenant; the AuthGuard reuses that one check (requestToken) and loads the roles.
 */

/** A RATE_LIMITED error: HTTP 429, `retry-after` header, `extensions.retryAfter` in seconds. */
export function rateLimited(message: string, retryAfter: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED, retryAfter } });
}

interface Caller {
  user?: string;
  tenant?: string;
}

/** Who the limits count a request against: the token's subject and tenant (checked once per request). */
async function callerOf(req: FastifyRequest, tokens: TokenVerifier): Promise<Caller> {
  const checked = await requestToken(req, tokens);
  return checked?.ok ? { user: checked.claims.sub, tenant: checked.claims.tid ?? undefined } : {};
}

/**
 * Admits at most `limit` requests of one key at once; up to `queue` more wait (each at most
 * `waitMs`) in arrival order; anything beyond is refused at once.
 */
export class KeyedConcurrencyLimiter {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, { grant: () => void }[]>();

  constructor(private readonly limit: number, private readonly queue: number, private readonly waitMs: number) {}

  /** Resolves with a release function, or with null when the key is over its limit and queue. */
  async acquire(key: string): Promise<(() => void) | null> {
    const n = this.running.get(key) ?? 0;
    if (n < this.limit) {
      this.running.set(key, n + 1);
      return this.releaser(key);
    }
    const q = this.waiting.get(key) ?? [];
    if (q.length >= this.queue) return null;
    this.waiting.set(key, q);
    return new Promise((resolve) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.releaser(key));
        },
      };
      const timer = setTimeout(() => {
        const list = this.waiting.get(key);
        const i = list?.indexOf(entry) ?? -1;
        if (list && i >= 0) list.splice(i, 1);
        if (list?.length === 0) this.waiting.delete(key);
        resolve(null);
      }, this.waitMs);
      q.push(entry);
    });
  }

  /** Requests of this key executing now (for tests and metrics). */
  active(key: string): number {
    return this.running.get(key) ?? 0;
  }

  private releaser(key: string): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.get(key)?.shift();
      if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
      if (next) {
        next.grant(); // the slot passes on: running stays the same
        return;
      }
      const n = (this.running.get(key) ?? 1) - 1;
      if (n <= 0) this.running.delete(key);
      else this.running.set(key, n);
    };
  }
}

/**
 * The limits on the GraphQL route (`path`) and on the other routes that run reports for a caller
 * (`alsoOn`, e.g. the console's .xlsx export, which executes GraphQL in-process): the same counters,
 * so an export costs a request like the query it runs. Refusals there are the route's JSON error body.
 */
export async function installRateLimits(
  fastify: FastifyInstance, opts: { path: string; alsoOn?: readonly string[]; tokens: TokenVerifier; limits: GatewayLimits },
): Promise<void> {
  const { limits } = opts;
  await fastify.register(rateLimit, { global: false });
  const perUser = fastify.createRateLimit({ max: limits.userPerMinute, timeWindow: 60_000, keyGenerator: async (req) => `user:${(await callerOf(req, opts.tokens)).user}` });
  const perTenant = fastify.createRateLimit({ max: limits.tenantPerMinute, timeWindow: 60_000, keyGenerator: async (req) => `tenant:${(await callerOf(req, opts.tokens)).tenant}` });
  const perIp = fastify.createRateLimit({ max: limits.anonymousPerMinute, timeWindow: 60_000, keyGenerator: (req) => `ip:${req.ip}` });
  const concurrency = new KeyedConcurrencyLimiter(limits.tenantConcurrency, limits.tenantQueue, limits.tenantQueueWaitMs);
  const limited = new Set([opts.path, ...(opts.alsoOn ?? [])]);
  const isGraphqlRoute = (req: FastifyRequest): boolean => limited.has(req.routeOptions.url ?? '');

  const refuse = (reply: FastifyReply, message: string, retryAfter: number): FastifyReply => {
    reply.header('retry-after', String(retryAfter));
    if (reply.request.routeOptions.url === opts.path) throw rateLimited(message, retryAfter);
    return reply.code(429).header('cache-control', 'no-store').send({ error: { code: ErrorCode.RATE_LIMITED, message, retryAfter } });
  };

  // Before the body is read: a caller over its rate costs no parsing.
  fastify.addHook('onRequest', async (req, reply) => {
    if (!isGraphqlRoute(req)) return;
    const caller = await callerOf(req, opts.tokens);
    const checks: { limiter: typeof perUser; what: string }[] = caller.user
      ? [{ limiter: perUser, what: `this user's limit of ${limits.userPerMinute} requests per minute` }]
      : [{ limiter: perIp, what: `the limit of ${limits.anonymousPerMinute} requests per minute without a token` }];
    if (caller.tenant) checks.push({ limiter: perTenant, what: `this organisation's limit of ${limits.tenantPerMinute} requests per minute` });
    for (const { limiter, what } of checks) {
      const r = await limiter(req);
      if (!r.isAllowed && r.isExceeded) return refuse(reply, `too many requests: ${what} is used up; retry after ${r.ttlInSeconds} s`, Math.max(1, r.ttlInSeconds));
    }
  });

  // Just before execution: at most `tenantConcurrency` requests of one tenant run at once.
  fastify.addHook('preHandler', async (req, reply) => {
    if (!isGraphqlRoute(req)) return;
    const tenant = (await callerOf(req, opts.tokens)).tenant;
    if (!tenant) return;
    const release = await concurrency.acquire(tenant);
    if (!release) {
      return refuse(reply, `too many requests: this organisation already has ${limits.tenantConcurrency} requests running and ${limits.tenantQueue} waiting; retry shortly`, 1);
    }
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
  });
}
