import type { DataSource } from 'typeorm';
import type { TemporalClientProvider } from '../common/temporal.provider';

export interface CheckResult {
  name: string;
  ok: boolean;
  latencyMs: number;
  /** Why it failed: a timeout or the kind of failure, never an address or a tenant's anything. */
  error?: string;
}

export interface Readiness {
  ready: boolean;
  checks: CheckResult[];
}

/** How long each readiness check may take before it counts as failed. */
export const READINESS_TIMEOUT_MS = 2_000;

async function timed(name: string, timeoutMs: number, check: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { name, ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const message = err instanceof Error && /^no answer within/.test(err.message) ? err.message : 'unreachable';
    return { name, ok: false, latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this gateway can serve: PostgreSQL answers `SELECT 1` and Temporal answers
 * GetSystemInfo, each within `timeoutMs` (the two are checked at once).
 */
export async function checkReadiness(deps: { dataSource: DataSource; temporal: TemporalClientProvider }, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const checks = await Promise.all([
    timed('postgres', timeoutMs, () => deps.dataSource.query('SELECT 1')),
    timed('temporal', timeoutMs, async () => {
      const client = await deps.temporal.get();
      await client.connection.withDeadline(Date.now() + timeoutMs, () => client.connection.workflowService.getSystemInfo({}));
    }),
  ]);
  return { ready: checks.every((c) => c.ok), checks };
}
