import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { defaultBranchCalendar } from '../../libs/domain/src/calendar/china-holidays.util';
import { presetPolicy } from '../../libs/domain/src/policy/policy.util';

/** The rows a complaint needs around it: a tenant, a company, a branch and some users. */
export interface SeededOrganisation {
  tenantId: string;
  companyId: string;
  branchId: string;
  branchCode: string;
  timezone: string;
  /** User ids by the name the test gave them. */
  users: Record<string, string>;
}

/**
 * Inserts a tenant (pm-branch policy, version 1), one company, one branch and the named users with
 * plain SQL, so the tier below the gateway can run the real activities without the provisioning
 * services. Ids are fresh UUIDs unless given.
 */
export async function insertOrganisation(
  db: DataSource,
  opts: { tenantId?: string; companyId?: string; branchId?: string; branchCode?: string; timezone?: string; users?: Record<string, string> | string[] } = {},
): Promise<SeededOrganisation> {
  const tenantId = opts.tenantId ?? randomUUID();
  const companyId = opts.companyId ?? randomUUID();
  const branchId = opts.branchId ?? randomUUID();
  const branchCode = opts.branchCode ?? 'GZ01';
  const timezone = opts.timezone ?? 'Asia/Shanghai';
  const users: Record<string, string> = Array.isArray(opts.users)
    ? Object.fromEntries(opts.users.map((name) => [name, randomUUID()]))
    : { ...(opts.users ?? {}) };
  await db.transaction(async (m) => {
    await m.query(`INSERT INTO tenants (id, name, policy_preset, current_policy_version) VALUES ($1, $2, 'pm-branch', 1)`, [tenantId, `Group ${tenantId.slice(0, 8)}`]);
    await m.query(`INSERT INTO policy_versions (tenant_id, version, document) VALUES ($1, 1, $2::jsonb)`, [tenantId, JSON.stringify(presetPolicy('pm-branch'))]);
    await m.query(`INSERT INTO companies (id, tenant_id, name) VALUES ($1, $2, 'Test Company')`, [companyId, tenantId]);
    await m.query(
      `INSERT INTO branches (id, tenant_id, company_id, code, name, timezone, calendar) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [branchId, tenantId, companyId, branchCode, `Branch ${branchCode}`, timezone, JSON.stringify(defaultBranchCalendar(timezone))],
    );
    for (const [name, id] of Object.entries(users)) {
      await m.query(`INSERT INTO users (id, tenant_id, name) VALUES ($1, $2, $3)`, [id, tenantId, name]);
    }
  });
  return { tenantId, companyId, branchId, branchCode, timezone, users };
}

/** Another branch of an organisation already inserted. */
export async function insertBranch(db: DataSource, org: Pick<SeededOrganisation, 'tenantId' | 'companyId'>, code: string, timezone = 'Asia/Shanghai'): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO branches (id, tenant_id, company_id, code, name, timezone, calendar) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [id, org.tenantId, org.companyId, code, `Branch ${code}`, timezone, JSON.stringify(defaultBranchCalendar(timezone))],
  );
  return id;
}
