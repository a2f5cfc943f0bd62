import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { organisationRefusal } from '../../../../../libs/domain/src/permissions/permission.util';
import { mergePolicy, presetPolicy, validatePolicyOverrides } from '../../../../../libs/domain/src/policy/policy.util';
import type { Policy, PolicyOverrides, PolicyPresetName } from '../../../../../libs/domain/src/policy/policy.types';
import { PolicyVersionEntity, TenantEntity } from '../../../../../libs/persistence/src/entities';
import { tenantTransaction } from '../../../../../libs/persistence/src/tenant-transaction';
import { TenantRecordRepository, TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';

/** The group's policy: its preset with the head office's overrides, versioned. */
@Injectable()
export class PolicyService {
  private readonly tenants: TenantRecordRepository;
  private readonly versions: TenantScopedRepository<PolicyVersionEntity>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.tenants = new TenantRecordRepository(ds);
    this.versions = new TenantScopedRepository(ds, PolicyVersionEntity);
  }

  /**
   * Validates the overrides, merges them over the tenant's preset and stores a new policy
   * version. Complaints already running keep the version they started with.
   */
  async setPolicy(p: Principal, overrides: unknown): Promise<TenantEntity> {
    const tenantId = tenantOf(p);
    const refusal = organisationRefusal(p, 'SET_POLICY');
    if (refusal) throw new ForbiddenError(refusal);
    return tenantTransaction(this.ds, tenantId, async (m) => {
      const tenants = this.tenants.withManager(m);
      // Locks the tenant row: concurrent policy changes get consecutive versions.
      const tenant = await tenants.findOneForUpdate(tenantId);
      if (!tenant) throw new NotFoundError('tenant');
      const preset = presetPolicy(tenant.policyPreset as PolicyPresetName);
      const issues = validatePolicyOverrides(overrides, preset);
      if (issues.length) {
        throw new BadUserInputError(issues.map((i) => ({ field: i.path === '$' ? 'overrides' : `overrides.${i.path}`, message: i.message })));
      }
      const document = mergePolicy(preset, overrides as PolicyOverrides);
      const version = tenant.currentPolicyVersion + 1;
      await this.versions.withManager(m).insert(tenantId, {
        version, document: document as unknown as Record<string, unknown>, overrides: overrides as Record<string, unknown>, createdBy: p.userId,
        createdAt: new Date(),
      });
      await tenants.update(tenantId, { currentPolicyVersion: version });
      return { ...tenant, currentPolicyVersion: version };
    });
  }

  /** The policy document of a version (the current one when none is given). */
  async policy(tenantId: string, version?: number): Promise<{ version: number; document: Policy }> {
    const wanted = version ?? (await this.tenants.findOne(tenantId))?.currentPolicyVersion;
    const row = wanted === undefined ? null : await this.versions.findOne(tenantId, { version: wanted });
    if (!row) throw new NotFoundError('policy version');
    return { version: row.version, document: row.document as unknown as Policy };
  }
}
