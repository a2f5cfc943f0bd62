import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { holdsRole, reachesCompany } from '../../../../../libs/domain/src/permissions/permission.util';
import { AuditLogEntity, ComplaintEntity, RoleAssignmentEntity } from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { tenantTransaction } from '../../../../../libs/persistence/src/tenant-transaction';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { AppError, BadUserInputError, ForbiddenError, UnavailableError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import {
  OUTCOME_OK, PLATFORM_OPERATOR, UNRECORDED_OUTCOMES, argumentSummary, failureKind, granteeOf, outcomeOf, provisionedTenantOf,
  recordIdOf, recordTypeOf, requestIdOf,
} from '../audit-entry.util';
import { AuditEntryConnectionDto, AuditEntryDto } from '../dtos/audit.dto';
import { AuditFilter } from '../dtos/audit.input';

/** One entry to append. `details`: ids, field names and codes only, never personal data. */
export interface AuditEntryInput {
  action: string;
  recordType: string;
  recordId?: string | null;
  outcome: string;
  requestId?: string | null;
  details?: Record<string, unknown>;
  /** The log it goes to: the principal's tenant, or the tenant the platform operator just provisioned. */
  tenantId?: string;
}

/** A top-level mutation as the audit interceptor saw it. */
export interface MutationCall {
  name: string;
  /** The named GraphQL type it returns (the record type). */
  returnType: string;
  /** The arguments as sent (only their names and ids are recorded). */
  args: Record<string, unknown>;
}

export type MutationSettled = { ok: true; result: unknown } | { ok: false; error: unknown };

// id and at are the database's (identity, now()); the row is written without them.
type NewRow = Omit<AuditLogEntity, 'id' | 'at' | 'tenantId'>;
const newRow = (row: NewRow): Omit<AuditLogEntity, 'tenantId'> => row as Omit<AuditLogEntity, 'tenantId'>;

const CURSOR_PREFIX = 'audit:';
const MAX_BIGINT = 9223372036854775807n;
const cursorOf = (id: string): string => Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');

function parseCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!/^[1-9][0-9]{0,18}$/.test(id) || BigInt(id) > MAX_BIGINT) {
    throw new BadUserInputError([{ field: 'after', message: 'after is not a cursor this API returned' }]);
  }
  return id;
}

const toDto = (e: AuditLogEntity): AuditEntryDto => ({
  id: e.id, at: e.at, actorId: e.actorId, action: e.action, recordType: e.recordType, recordId: e.recordId, outcome: e.outcome,
  requestId: e.requestId, details: e.details,
});

/**
 * The audit log: who did what to which record. Mutations are recorded by the audit interceptor
 * once they complete or fail; reading a complaint's details as head office (or as a company manager
 * through the company) is recorded before the data is returned, and the read fails if it cannot be.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  private readonly entries: TenantScopedRepository<AuditLogEntity>;
  private readonly grants: TenantScopedRepository<RoleAssignmentEntity>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.entries = new TenantScopedRepository(ds, AuditLogEntity);
    this.grants = new TenantScopedRepository(ds, RoleAssignmentEntity);
  }

  /** Appends one entry to the principal's tenant's log (`entry.tenantId` for the platform operator). Throws when it cannot. */
  async record(p: Principal, entry: AuditEntryInput): Promise<void> {
    const tenantId = entry.tenantId ?? tenantOf(p);
    await this.entries.insert(tenantId, newRow(this.rowOf(p, entry)));
  }

  /**
   * Records a complaint's details being read by the head office, or by a company manager reaching
   * it through their company. Reading is never unaudited: when the entry cannot be written the read
   * fails with UNAVAILABLE.
   */
  async complaintRead(p: Principal, c: Pick<ComplaintEntity, 'id' | 'tenantId' | 'branchId' | 'companyId'>): Promise<void> {
    const via = holdsRole(p, ['HEAD_OFFICE']) ? 'HEAD_OFFICE' : reachesCompany(p, c.companyId, ['COMPANY_MANAGER']) ? 'COMPANY_MANAGER' : null;
    if (!via) return;
    const entry: AuditEntryInput = {
      action: 'COMPLAINT_READ', recordType: 'Complaint', recordId: c.id, outcome: OUTCOME_OK,
      details: { via, branchId: c.branchId, companyId: c.companyId }, tenantId: c.tenantId,
    };
    try {
      await this.record(p, entry);
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.alert(c.tenantId, this.rowOf(p, entry), err);
      throw new UnavailableError('the audit log cannot be written, so the complaint is not shown');
    }
  }

  /**
   * Records a mutation that completed or failed, and each role it granted (ROLE_GRANTED), in one
   * transaction. Never throws: the action already stands, so a failure here is logged as an ALERT
   * for an operator instead of failing the caller's response.
   */
  async mutation(p: Principal, call: MutationCall, settled: MutationSettled): Promise<void> {
    const outcome = settled.ok ? OUTCOME_OK : outcomeOf(settled.error);
    if (UNRECORDED_OUTCOMES.has(outcome)) return;
    const result = settled.ok ? settled.result : undefined;
    // The platform operator has no tenant: provisioning is recorded in the new tenant's log, and
    // nothing else it does touches a tenant.
    const tenantId = p.platformAdmin ? provisionedTenantOf(result) : p.tenantId;
    if (!tenantId) return;
    const recordType = recordTypeOf(call.returnType);
    const requestId = requestIdOf(call.args);
    const main = this.rowOf(p, {
      action: call.name, recordType, recordId: recordIdOf(recordType, call.args, result), outcome, requestId, details: argumentSummary(call.args),
    });
    const grantee = settled.ok ? granteeOf(call.name, result) : null;
    try {
      await tenantTransaction(this.ds, tenantId, async (m) => {
        const entries = this.entries.withManager(m);
        await entries.insert(tenantId, newRow(main));
        if (!grantee) return;
        // What was stored, not what was asked: a branch grant's company is filled in by the service.
        const granted = await this.grants.withManager(m).find(tenantId, { userId: grantee }, { order: { role: 'ASC', id: 'ASC' } });
        for (const g of granted) {
          await entries.insert(tenantId, newRow(this.rowOf(p, {
            action: 'ROLE_GRANTED', recordType: 'User', recordId: grantee, outcome: OUTCOME_OK, requestId,
            details: { userId: grantee, role: g.role, companyId: g.companyId, branchId: g.branchId, roleAssignmentId: g.id },
          })));
        }
      });
    } catch (err) {
      this.alert(tenantId, main, err);
    }
  }

  /** The tenant's audit log, newest first: the head office of the tenant only. */
  async page(p: Principal, filter: AuditFilter | null | undefined, first: number, after?: string | null): Promise<AuditEntryConnectionDto> {
    if (p.platformAdmin) throw new ForbiddenError('the platform operator reads no tenant\'s audit log');
    const tenantId = tenantOf(p);
    if (!holdsRole(p, ['HEAD_OFFICE'])) throw new ForbiddenError('only the head office reads the audit log');
    const f = filter ?? {};
    if (f.from && f.to && f.from.getTime() >= f.to.getTime()) {
      throw new BadUserInputError([{ field: 'filter.to', message: 'to must be after from' }]);
    }
    const afterId = after ? parseCursor(after) : null;
    const rows = await this.entries.read(tenantId, 'a', (qb) => {
      if (f.actorId) qb.andWhere('a.actorId = :actorId', { actorId: f.actorId });
      if (f.recordId) qb.andWhere('a.recordId = :recordId', { recordId: f.recordId });
      if (f.action) qb.andWhere('a.action = :action', { action: f.action });
      if (f.from) qb.andWhere('a.at >= :from', { from: f.from });
      if (f.to) qb.andWhere('a.at < :to', { to: f.to });
      // The cursor is the last entry's id; its instant is read back at full (microsecond) precision,
      // which a JavaScript Date would truncate. Another tenant's id finds no row and so no page.
      if (afterId) {
        qb.andWhere('(a.at, a.id) < (SELECT x.at, x.id FROM audit_log x WHERE x.tenant_id = :tenantId AND x.id = :afterId)', { afterId });
      }
      return qb.orderBy('a.at', 'DESC').addOrderBy('a.id', 'DESC').limit(first + 1).getMany();
    });
    const page = rows.slice(0, first);
    return {
      edges: page.map((e) => ({ cursor: cursorOf(e.id), node: toDto(e) })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? cursorOf(page[page.length - 1].id) : null },
    };
  }

  private rowOf(p: Principal, e: AuditEntryInput): NewRow {
    return {
      actorId: p.platformAdmin ? PLATFORM_OPERATOR : p.userId, action: e.action, recordType: e.recordType, recordId: e.recordId ?? null,
      outcome: e.outcome, requestId: e.requestId ?? null, details: e.details ?? {},
    };
  }

  /** An entry that could not be written: ids and codes only, so the line itself carries no personal data. */
  private alert(tenantId: string, row: NewRow, err: unknown): void {
    this.logger.error(
      `ALERT audit entry not written (${failureKind(err)}): tenant=${tenantId} actor=${row.actorId} action=${row.action} `
      + `record=${row.recordType}:${row.recordId ?? '-'} outcome=${row.outcome} request=${row.requestId ?? '-'}`,
    );
  }
}
