/** True for errors that mean a dependency (Postgres, Temporal) is down or unreachable. */
export function isInfrastructureFailure(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; name?: string; message?: string };
  const code = typeof e.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P03', '08006', '08001', '08003'].includes(code)) return true;
  if (e.name === 'ServiceError' || e.name === 'TransportError' || e.name === 'ConnectionError') return true;
  const msg = e.message ?? '';
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Failed to connect|UNAVAILABLE|DEADLINE_EXCEEDED/i.test(msg);
}
