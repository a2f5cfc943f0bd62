import { AppError, ErrorCode } from '../common/app-error';
import { REQUEST_ID } from '../complaints/dtos/complaint.input';
import { isInfrastructureFailure } from '../common/infrastructure-errors';

// What a mutation's audit entry says, from its arguments, result or error. Only ids, field names
// and codes leave here: never a value a person typed (names, phones, descriptions, reasons).

/** The actor of the platform operator's entries (provisioning a tenant). */
export const PLATFORM_OPERATOR = 'platform-operator';

/** The outcome of an action that went through. */
export const OUTCOME_OK = 'OK';

/**
 * Refusals that never reached a record and are not logged: input the rules refused, and a tenant's
 * write budget used up. Logging them would let anyone write a row per malformed request.
 */
export const UNRECORDED_OUTCOMES: ReadonlySet<string> = new Set([ErrorCode.BAD_USER_INPUT, ErrorCode.RATE_LIMITED]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_FIELDS = 64;
const MAX_DEPTH = 4;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The contract's `extensions.code` for an error, as the error formatter would map it. */
export function outcomeOf(err: unknown): string {
  for (let cur: unknown = err, i = 0; cur && typeof cur === 'object' && i < 5; cur = (cur as { originalError?: unknown }).originalError, i++) {
    if (cur instanceof AppError) return cur.code;
    const code = (cur as { extensions?: { code?: unknown } }).extensions?.code;
    if (typeof code === 'string' && /^[A-Z_]{1,40}$/.test(code)) return code;
  }
  return isInfrastructureFailure(err) ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL;
}

/** The kind of record a mutation acts on: the type it returns (provisioning returns the tenant). */
export function recordTypeOf(returnTypeName: string): string {
  return returnTypeName === 'TenantProvisioning' ? 'Tenant' : returnTypeName;
}

/**
 * The record acted on: the `id` or `complaintId` argument, else the result's id, else an argument
 * naming the record type (`branchId` for a Branch). Ids only: anything else is not recorded.
 */
export function recordIdOf(recordType: string, args: Record<string, unknown>, result: unknown): string | null {
  if (isUuid(args.id)) return args.id;
  if (isUuid(args.complaintId)) return args.complaintId;
  if (isObject(result)) {
    if (isUuid(result.id)) return result.id;
    // Provisioning: { tenant, headOffice }.
    if (isObject(result.tenant) && isUuid(result.tenant.id)) return result.tenant.id;
  }
  const named = args[`${recordType.charAt(0).toLowerCase()}${recordType.slice(1)}Id`];
  return isUuid(named) ? named : null;
}

/** The client's retry key of an action, when it sent a well-formed one. */
export function requestIdOf(args: Record<string, unknown>): string | null {
  return typeof args.requestId === 'string' && REQUEST_ID.test(args.requestId) ? args.requestId : null;
}

/**
 * What the arguments were, without their values: the names of the fields given (`roles[].branchId`),
 * and the ids among them (`input.branchId`, `assigneeId`) outside lists.
 */
export function argumentSummary(args: Record<string, unknown>): { fields: string[]; ids: Record<string, string> } {
  const fields = new Set<string>();
  const ids: Record<string, string> = {};
  const walk = (value: unknown, path: string, inList: boolean, depth: number): void => {
    if (fields.size >= MAX_FIELDS) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, `${path}[]`, true, depth);
      return;
    }
    if (isObject(value) && depth < MAX_DEPTH) {
      for (const [key, v] of Object.entries(value)) {
        if (v === undefined || v === null) continue;
        // A JSON argument's keys are the client's text: only identifier-like names are kept.
        const name = FIELD_NAME.test(key) ? key : '*';
        walk(v, path ? `${path}.${name}` : name, inList, depth + 1);
      }
      return;
    }
    if (!path) return;
    fields.add(path);
    const last = path.slice(path.lastIndexOf('.') + 1);
    if (!inList && /Id$/.test(last) && last !== 'requestId' && isUuid(value)) ids[path] = value;
  };
  walk(args, '', false, 0);
  return { fields: [...fields].sort(), ids };
}

/** The user a provisioning or user-creating mutation granted roles to, from its result. */
export function granteeOf(mutation: string, result: unknown): string | null {
  if (!isObject(result)) return null;
  if (mutation === 'createUser') return isUuid(result.id) ? result.id : null;
  // A contractor is a user with a CONTRACTOR grant (the result is the Contractor: its user's id).
  if (mutation === 'createContractor') return isUuid(result.userId) ? result.userId : null;
  if (mutation === 'createTenant' && isObject(result.headOffice)) return isUuid(result.headOffice.id) ? result.headOffice.id : null;
  return null;
}

/** The tenant a provisioning mutation created, from its result. */
export function provisionedTenantOf(result: unknown): string | null {
  return isObject(result) && isObject(result.tenant) && isUuid(result.tenant.id) ? result.tenant.id : null;
}

/** A failure's kind for a log line: its code or name, never its message (which may quote a value). */
export function failureKind(err: unknown): string {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; name?: unknown } | null;
  const code = e?.driverError?.code ?? e?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code)) return code;
  return typeof e?.name === 'string' ? e.name : 'unknown';
}
