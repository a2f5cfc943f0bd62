/** What came back from one call, as sent over HTTP. */
export interface SweepAnswer {
  status: number;
  /** The whole body as text: the marker scan reads all of it (data, errors, extensions). */
  body: string;
  json?: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** Sends one operation as `token`; the answer is kept whole, JSON or not. */
export async function send(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<SweepAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = await res.text();
  let json: SweepAnswer['json'];
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: res.status, body, json };
}

/** The markers found anywhere in the answer (the raw body, and the body with JSON escapes undone). */
export function markersIn(answer: SweepAnswer, markers: readonly string[]): string[] {
  const decoded = answer.json ? JSON.stringify(answer.json) : '';
  return markers.filter((m) => answer.body.includes(m) || decoded.includes(m));
}

/** Nothing in it: null, an empty list, zero, false, an empty string, or an object of only such values (an empty connection). */
export function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).every(isEmpty);
  return false;
}

export type Outcome = 'refused' | 'empty' | 'answered';

/** Refused (errors, no result), empty (a result with nothing in it) or answered (a result with something in it). */
export function outcomeOf(answer: SweepAnswer, operation: string): Outcome {
  const result = answer.json?.data?.[operation];
  if (answer.json?.errors?.length && (result === null || result === undefined)) return 'refused';
  return isEmpty(result) ? 'empty' : 'answered';
}

export const errorCodes = (answer: SweepAnswer): string[] => (answer.json?.errors ?? []).map((e) => e.extensions?.code ?? '(no code)');

export const short = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}…` : s);
