import { GraphQLField } from 'graphql';
import { DataSource } from 'typeorm';
import { Variant } from './invalid-inputs';
import { inlineDocument, variablesDocument } from './schema-walk';

export interface Answer {
  status?: number;
  body?: string;
  json?: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; fields?: { field?: unknown; message?: unknown }[] } }[] };
  /** The request itself failed (connection reset, timeout). */
  error?: string;
}

/** Sends one variant over HTTP: as variables of a typed operation, or written inline. */
export async function sendVariant(url: string, token: string, field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, inline: boolean): Promise<Answer> {
  const payload = inline ? { query: inlineDocument(field, args) } : { query: variablesDocument(field), variables: args };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(60_000),
    });
    const body = await res.text();
    let json: Answer['json'];
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    return { status: res.status, body, json };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export type Cause = 'no answer' | 'not JSON' | 'accepted' | 'other code' | 'fields missing or empty' | 'field not named' | 'leaks internals' | 'baseline refused';

// What must never reach a client: stack frames, SQL, driver errors.
const INTERNALS = /node_modules|\bat [\w.<>]+ \(|\/work\/|QueryFailedError|\b(?:SELECT|INSERT INTO|UPDATE \w+ SET)\b/;

export interface Problem {
  mutation: string;
  variant: string;
  cause: Cause;
  detail: string;
}

const short = (v: unknown, n = 240): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > n ? `${s.slice(0, n)}…` : s;
};

/**
 * What an invalid variant must get back: an answer, only BAD_USER_INPUT errors (no data), each
 * naming at least one field with a message, and among them the field the variant broke.
 */
export function judge(v: Variant, a: Answer): Problem | null {
  const problem = (cause: Cause, detail: string): Problem => ({ mutation: v.mutation, variant: v.name, cause, detail });
  if (a.error) return problem('no answer', a.error);
  if (!a.json) return problem('not JSON', `HTTP ${a.status}: ${short(a.body)}`);
  const errors = a.json.errors ?? [];
  if (errors.length === 0) return problem('accepted', `HTTP ${a.status}, data ${short(a.json.data)}`);
  const codes = errors.map((e) => e.extensions?.code);
  if (codes.some((c) => c !== 'BAD_USER_INPUT')) return problem('other code', `HTTP ${a.status}, ${codes.join(',')}: ${short(errors[0].message)}`);
  if (a.json.data && a.json.data[v.mutation] != null) return problem('accepted', `BAD_USER_INPUT but data ${short(a.json.data)}`);
  const fields = errors.flatMap((e) => e.extensions?.fields ?? []);
  const unnamed = errors.find((e) => !Array.isArray(e.extensions?.fields) || e.extensions!.fields!.length === 0
    || e.extensions!.fields!.some((f) => typeof f.field !== 'string' || !f.field || typeof f.message !== 'string' || !f.message));
  if (unnamed) return problem('fields missing or empty', `fields ${short(unnamed.extensions?.fields)}: ${short(unnamed.message)}`);
  if (INTERNALS.test(JSON.stringify(errors))) return problem('leaks internals', short(errors));
  const names = fields.map((f) => f.field as string);
  if (!names.some((n) => n === v.expect || n.startsWith(`${v.expect}.`))) {
    return problem('field not named', `expected ${v.expect}, named ${short(names)}: ${short(errors[0].message, 160)}`);
  }
  return null;
}

/** Runs `fn` over `items` with at most `concurrency` in flight, keeping the order of results. */
export async function inPool<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Exact row counts of every table of the database (pg_stat estimates are not exact). */
export async function rowCounts(db: DataSource): Promise<Record<string, number>> {
  const tables: { schema: string; name: string }[] = await db.query(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const out: Record<string, number> = {};
  for (const t of tables) {
    const q = `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`;
    out[`${t.schema}.${t.name}`] = Number((await db.query(`SELECT count(*)::bigint AS n FROM ${q}`))[0].n);
  }
  return out;
}

/** The problems grouped by mutation and cause, every variant listed with what came back. */
export function report(problems: Problem[]): string {
  const byMutation = new Map<string, Problem[]>();
  for (const p of problems) byMutation.set(p.mutation, [...(byMutation.get(p.mutation) ?? []), p]);
  const lines = [`${problems.length} invalid variants were not answered BAD_USER_INPUT naming the broken field:`];
  for (const [m, ps] of byMutation) {
    lines.push(`\n${m} (${ps.length}):`);
    const byCause = new Map<string, Problem[]>();
    for (const p of ps) byCause.set(p.cause, [...(byCause.get(p.cause) ?? []), p]);
    for (const [cause, list] of byCause) {
      lines.push(`  [${cause}] ${list.length}`);
      for (const p of list) lines.push(`    - ${p.variant} → ${p.detail}`);
    }
  }
  return lines.join('\n');
}
