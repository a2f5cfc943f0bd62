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

/** True when a Temporal call ran out of the deadline the client set (gRPC DEADLINE_EXCEEDED): the outcome is unknown. */
export function isDeadlineExceeded(err: unknown): boolean {
  for (let cur: unknown = err, i = 0; cur && typeof cur === 'object' && i < 4; cur = (cur as { cause?: unknown }).cause, i++) {
    const e = cur as { code?: unknown; message?: unknown };
    // gRPC status 4 is DEADLINE_EXCEEDED.
    if (e.code === 4 || (typeof e.message === 'string' && /DEADLINE_EXCEEDED|deadline exceeded/i.test(e.message))) return true;
  }
  return false;
}
