import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { organisationRefusal } from '../../../../../libs/domain/src/permissions/permission.util';
import { mergePolicy, presetPolicy, reportsPolicyOf, validatePolicyOverrides } from '../../../../../libs/domain/src/policy/policy.util';
import { ensureDailyReportSchedules } from '../../../../../libs/temporal-client/src/daily-report.schedule';
import type { Policy, PolicyOverrides, PolicyPresetName } from '../../../../../libs/domain/src/policy/policy.types';
import { PolicyVersionEntity, TenantEntity } from '../../../../../libs/persistence/src/entities';
import { tenantTransaction } from '../../../../../libs/persistence/src/tenant-transaction';
import { TenantRecordRepository, TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { TemporalClientProvider } from '../../common/temporal.provider';

// Documents of policy versions kept in memory (oldest dropped first): a few per tenant.
const MAX_CACHED_POLICY_DOCUMENTS = 1000;

/** The group's policy: its preset with the head office's overrides, versioned. */
@Injectable()
export class PolicyService {
  private readonly tenants: TenantRecordRepository;
  private readonly versions: TenantScopedRepository<PolicyVersionEntity>;

  private readonly logger = new Logger('Policy');
  private readonly documents = new Map<string, Policy>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
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
    const { tenant, reportsChanged } = await tenantTransaction(this.ds, tenantId, async (m) => {
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
      const before = await this.versions.withManager(m).findOne(tenantId, { version: tenant.currentPolicyVersion });
      const was = reportsPolicyOf((before?.document ?? preset) as unknown as Policy);
      const now = reportsPolicyOf(document);
      return { tenant: { ...tenant, currentPolicyVersion: version }, reportsChanged: was.dailyReportAt !== now.dailyReportAt || was.enabled !== now.enabled };
    });
    // The branches' daily report schedules follow the new time (or on/off). The policy is stored either
    // way: should Temporal be unreachable, the worker brings the schedules up to date when it next starts.
    if (reportsChanged) {
      try {
        await ensureDailyReportSchedules(await this.temporal.get(), this.ds, tenantId, this.config.taskQueue);
      } catch (err) {
        this.logger.warn(`daily report schedules of tenant ${tenantId} not updated yet: ${(err as Error).message}`);
      }
    }
    return tenant;
  }

  /**
   * A policy version's document. Versions are written once and never changed, so the documents are
   * kept (a bounded number) and intake does not read and parse the same document on every complaint.
   * Callers must not modify the document they get.
   */
  async versionDocument(tenantId: string, version: number): Promise<Policy> {
    const key = `${tenantId}|${version}`;
    const known = this.documents.get(key);
    if (known) return known;
    const row = await this.versions.findOne(tenantId, { version });
    if (!row) throw new NotFoundError('policy version');
    const document = row.document as unknown as Policy;
    if (this.documents.size >= MAX_CACHED_POLICY_DOCUMENTS) this.documents.delete(this.documents.keys().next().value as string);
    this.documents.set(key, document);
    return document;
  }

  /** The policy document of a version (the current one when none is given). */
  async policy(tenantId: string, version?: number): Promise<{ version: number; document: Policy }> {
    const wanted = version ?? (await this.tenants.findOne(tenantId))?.currentPolicyVersion;
    const row = wanted === undefined ? null : await this.versions.findOne(tenantId, { version: wanted });
    if (!row) throw new NotFoundError('policy version');
    return { version: row.version, document: row.document as unknown as Policy };
  }
}
