import { DataSource } from 'typeorm';
import type { BranchCalendar } from '../../domain/src/calendar/calendar.types';
import { UUID, tenantReadOnce } from './tenant-transaction';

/** What intake reads before it starts a complaint's workflow. */
export interface IntakeContext {
  /** The complaint already recorded under the idempotency key, or null. */
  existingId: string | null;
  /** The branch named by the submission, or null when the tenant has none with that id. */
  branch: { id: string; companyId: string; code: string; calendar: BranchCalendar } | null;
  /** The tenant's current policy version (null only if the tenant row is missing). */
  policyVersion: number | null;
}

/**
 * Intake's look-ups in one round trip (tenantReadOnce): the complaint already submitted under the
 * idempotency key, the branch and the tenant's current policy version. Separately they were four
 * tenant transactions of three statements each, on every intake.
 */
export class IntakeContextRepository {
  constructor(private readonly ds: DataSource) {}

  async intakeContext(tenantId: string, idempotencyKey: string, branchId: string): Promise<IntakeContext> {
    if (typeof idempotencyKey !== 'string') throw new Error('intakeContext: idempotencyKey must be a string');
    // The key is the client's text: it travels hex-encoded, so no character of it can end the literal.
    const key = `convert_from(decode('${Buffer.from(idempotencyKey, 'utf8').toString('hex')}', 'hex'), 'UTF8')`;
    // A branch id that is not a UUID names no branch (the cast would fail the whole read).
    const branch = UUID.test(branchId) ? `'${branchId}'::uuid` : 'NULL::uuid';
    const [row] = await tenantReadOnce<{
      existing_id: string | null; branch: IntakeContext['branch']; policy_version: number | null;
    }>(this.ds, tenantId,
      `SELECT
         (SELECT c.id FROM complaints c WHERE c.tenant_id = t.id AND c.idempotency_key = ${key}) AS existing_id,
         (SELECT json_build_object('id', b.id, 'companyId', b.company_id, 'code', b.code, 'calendar', b.calendar)
            FROM branches b WHERE b.tenant_id = t.id AND b.id = ${branch}) AS branch,
         t.current_policy_version AS policy_version
       FROM tenants t WHERE t.id = '${tenantId}'`,
    );
    return { existingId: row?.existing_id ?? null, branch: row?.branch ?? null, policyVersion: row?.policy_version ?? null };
  }
}
