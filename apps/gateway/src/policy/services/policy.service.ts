import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { mergePolicy, presetPolicy, validatePolicyOverrides } from '../../../../../libs/domain/src/policy/policy.util';
import type { Policy, PolicyOverrides, PolicyPresetName } from '../../../../../libs/domain/src/policy/policy.types';
import { TenantEntity } from '../../../../../libs/persistence/src/entities';
import { tenantOf } from '../../auth/auth.service';
import { Principal, hasRole } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';

/** The group's policy: its preset with the head office's overrides, versioned. */
@Injectable()
export class PolicyService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Validates the overrides, merges them over the tenant's preset and stores a new policy
   * version. Complaints already running keep the version they started with.
   */
  async setPolicy(p: Principal, overrides: unknown): Promise<TenantEntity> {
    const tenantId = tenantOf(p);
    if (!hasRole(p, ['HEAD_OFFICE'])) throw new ForbiddenError('only the head office sets the group\'s policy');
    return this.ds.transaction(async (m) => {
      // Locks the tenant row: concurrent policy changes get consecutive versions.
      const [tenant] = await m.query(`SELECT policy_preset, current_policy_version FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      if (!tenant) throw new NotFoundError('tenant');
      const preset = presetPolicy(tenant.policy_preset as PolicyPresetName);
      const issues = validatePolicyOverrides(overrides, preset);
      if (issues.length) {
        throw new BadUserInputError(issues.map((i) => ({ field: i.path === '$' ? 'overrides' : `overrides.${i.path}`, message: i.message })));
      }
      const document = mergePolicy(preset, overrides as PolicyOverrides);
      const version = tenant.current_policy_version + 1;
      await m.query(
        `INSERT INTO policy_versions (tenant_id, version, document, overrides, created_by) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)`,
        [tenantId, version, JSON.stringify(document), JSON.stringify(overrides), p.userId],
      );
      await m.query(`UPDATE tenants SET current_policy_version = $2 WHERE id = $1`, [tenantId, version]);
      return (await m.findOneByOrFail(TenantEntity, { id: tenantId }));
    });
  }

  /** The policy document of a version (the current one when none is given). */
  async policy(tenantId: string, version?: number): Promise<{ version: number; document: Policy }> {
    const [row] = await this.ds.query(
      `SELECT v.version, v.document FROM policy_versions v JOIN tenants t ON t.id = v.tenant_id
        WHERE v.tenant_id = $1 AND v.version = COALESCE($2, t.current_policy_version)`,
      [tenantId, version ?? null],
    );
    if (!row) throw new NotFoundError('policy version');
    return { version: row.version, document: row.document as Policy };
  }
}
