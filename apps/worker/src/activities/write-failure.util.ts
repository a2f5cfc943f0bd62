import { ApplicationFailure } from '@temporalio/activity';
import { DATA_REJECTED } from '../../../../workflows/shared/complaint.types';

// SQLSTATE classes whose errors are about the data or the statement, so a retry gets the same answer:
// 22 data exception (NUL bytes, bad encodings, out-of-range dates, invalid text representation),
// 23 integrity constraint violation, 54 program limit exceeded.
const DETERMINISTIC_CLASSES = new Set(['22', '23', '54']);

const CONDITIONS: Record<string, string> = {
  '22001': 'string_data_right_truncation', '22003': 'numeric_value_out_of_range', '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow', '22021': 'character_not_in_repertoire', '22P02': 'invalid_text_representation',
  '22P05': 'untranslatable_character', '23502': 'not_null_violation', '23503': 'foreign_key_violation', '23505': 'unique_violation',
  '23514': 'check_violation', '54000': 'program_limit_exceeded', '54001': 'statement_too_complex',
  '08006': 'connection_failure', '40001': 'serialization_failure', '40P01': 'deadlock_detected', '53300': 'too_many_connections',
  '57P01': 'admin_shutdown',
};

interface DbErrorShape {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  driverError?: DbErrorShape;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : undefined);

/** The PostgreSQL SQLSTATE of an error from pg or TypeORM (QueryFailedError keeps pg's error as driverError). */
export function sqlStateOf(err: unknown): string | undefined {
  const e = (err ?? {}) as DbErrorShape;
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /^[0-9]/.test(code) ? code : undefined;
}

/** True for a failure no retry can fix: SQLSTATE classes 22, 23, 54, or an invalid date on our side. */
export function isDeterministicWriteFailure(err: unknown): boolean {
  const state = sqlStateOf(err);
  if (state) return DETERMINISTIC_CLASSES.has(state.slice(0, 2));
  return err instanceof RangeError && /Invalid time value/.test(err.message);
}

/**
 * Turns any error of a read-model write into a Temporal failure that carries identifiers and codes
 * only — never the statement's parameters or the values in it (pg messages can quote values, and
 * TypeORM's QueryFailedError carries every parameter). Deterministic failures are non-retryable
 * (type DATA_REJECTED); everything else (database down, too many clients, admin shutdown,
 * serialization failures) stays retryable.
 */
export function writeFailure(err: unknown, what: { complaintId: string; reference?: string | null; step: string }): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = (err ?? {}) as DbErrorShape;
  const state = sqlStateOf(err);
  const who = `complaint ${what.complaintId}${what.reference ? ` (${what.reference})` : ''}`;
  const parts: string[] = [];
  if (state) parts.push(`SQLSTATE ${state}${CONDITIONS[state] ? ` ${CONDITIONS[state]}` : ''}`);
  const constraint = str(e.driverError?.constraint ?? e.constraint);
  const table = str(e.driverError?.table ?? e.table);
  const column = str(e.driverError?.column ?? e.column);
  if (constraint) parts.push(`constraint ${constraint}`);
  if (table) parts.push(`table ${table}`);
  if (column) parts.push(`column ${column}`);
  const name = err instanceof Error ? err.name : 'Error';
  const details = { complaintId: what.complaintId, reference: what.reference ?? null, step: what.step, sqlState: state ?? null, constraint: constraint ?? null };
  if (isDeterministicWriteFailure(err)) {
    if (!state) parts.push(`${name}: invalid time value`);
    return ApplicationFailure.nonRetryable(`Writing ${who} (${what.step}) was rejected for good: ${parts.join(', ')}`, DATA_REJECTED, details);
  }
  const code = state ?? str((err as { code?: unknown })?.code);
  return ApplicationFailure.retryable(`Writing ${who} (${what.step}) failed: ${name}${code && !state ? ` ${code}` : ''}${parts.length ? `, ${parts.join(', ')}` : ''}; retrying`, name, details);
}
