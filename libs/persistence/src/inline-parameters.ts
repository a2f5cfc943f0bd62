import { escapeLiteral } from 'pg';
// pg's own conversion of a parameter to its text form (Dates, arrays, Buffers, JSON), as it sends them.
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): string | Buffer | null };

/**
 * `sql` with its positional parameters ($1, $2, …) written in as quoted literals, so that it can go
 * in a simple-protocol message together with other statements (one round trip instead of one per
 * statement). Each value is converted exactly as pg converts a parameter, then quoted with pg's
 * `escapeLiteral`; an untyped literal takes its type from its context as a parameter does. `$n`
 * inside quoted strings, quoted identifiers and comments is left alone. For SQL the application
 * builds (TypeORM's query builder); a parameter the text does not use, or a `$n` without a value,
 * is an error.
 */
export function inlineParameters(sql: string, params: readonly unknown[]): string {
  let out = '';
  let i = 0;
  const used = new Set<number>();
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      let j = i + 1;
      while (/[0-9]/.test(sql[j] ?? '')) j++;
      const n = Number(sql.slice(i + 1, j));
      if (n < 1 || n > params.length) throw new Error(`inlineParameters: $${n} has no value (${params.length} given)`);
      used.add(n);
      out += literal(params[n - 1]);
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  if (used.size !== params.length) throw new Error(`inlineParameters: ${params.length - used.size} of ${params.length} values unused`);
  return out;
}

/** The index after the quote that closes the one at `start` (a doubled quote is part of the text). */
function closingQuote(sql: string, start: number, q: string): number {
  let i = start + 1;
  for (;;) {
    const next = sql.indexOf(q, i);
    if (next < 0) throw new Error('inlineParameters: unterminated quote in the statement');
    if (sql[next + 1] === q) i = next + 2;
    else return next + 1;
  }
}

function literal(value: unknown): string {
  const text = prepareValue(value);
  if (text === null || text === undefined) return 'NULL';
  if (Buffer.isBuffer(text)) return `'\\x${text.toString('hex')}'::bytea`;
  return escapeLiteral(text);
}
