import { Inject, Injectable } from '@nestjs/common';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from './app-error';
import { GATEWAY_CONFIG, GatewayConfig } from './gateway.config';
import { resolveLimits } from './limits';

/**
 * Each tenant's share of the complaint engine: at most `tenantWritesPerSecond` intakes and staff
 * actions per second, plus a burst allowance. Reads are not counted (they have their own limits);
 * writes are what make workflows, timers and database rows for everyone's shared workers.
 */
@Injectable()
export class TenantWriteBudget {
  private readonly limiter: BurstyRateLimiter;
  private readonly perSecond: number;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    const limits = resolveLimits(config);
    this.perSecond = limits.tenantWritesPerSecond;
    this.limiter = new BurstyRateLimiter(
      new RateLimiterMemory({ keyPrefix: 'tenant-writes', points: limits.tenantWritesPerSecond, duration: 1 }),
      new RateLimiterMemory({ keyPrefix: 'tenant-write-burst', points: limits.tenantWriteBurst, duration: 10 }),
    );
  }

  /** Takes one write from the tenant's budget, or throws RATE_LIMITED with when to retry. */
  async take(tenantId: string): Promise<void> {
    try {
      await this.limiter.consume(tenantId, 1);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new RateLimitedError(
        `too many complaint actions: this organisation's share of ${this.perSecond} per second (plus bursts) is used up; retry after ${retryAfter} s with the same requestId`,
        retryAfter,
      );
    }
  }
}
