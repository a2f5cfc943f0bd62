// Latency statistics and small load-generation helpers for the bench sections.

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Summary of latencies in milliseconds (rounded to 0.1 ms). */
export function summarize(latenciesMs: number[]): LatencySummary {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const r = (n: number): number => Math.round(n * 10) / 10;
  return {
    count: s.length,
    min: r(s[0] ?? NaN),
    mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    p50: r(percentile(s, 50)),
    p95: r(percentile(s, 95)),
    p99: r(percentile(s, 99)),
    max: r(s[s.length - 1] ?? NaN),
  };
}

/** "p50 / p95 / p99 ms" for the table. */
export function fmtLatency(l: LatencySummary): string {
  if (!l.count) return 'n/a';
  const f = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  return `${f(l.p50)} / ${f(l.p95)} / ${f(l.p99)} ms  (n=${l.count}, max ${f(l.max)})`;
}

/** Runs `task(i)` for i in [0, total) on `concurrency` workers; returns how long it took (ms). */
export async function runPool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let i = next++; i < total; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
  return performance.now() - started;
}

/** Times one call in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}=${raw}: expected an integer >= ${min}`);
  return n;
}
