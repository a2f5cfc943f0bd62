import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ContractorTarget, STAFF_ROLES, contractorManagementRefusal, holdsRole, managesContractors, reachesWholeTenant, seesBranch, seesCompany,
} from '../../../../../libs/domain/src/permissions/permission.util';
import type { Trade } from '../../../../../libs/domain/src/work-order/work-order.types';
import { branchContractors, contractorTrades, setContractorTrades } from '../../../../../libs/persistence/src/work-order.repository';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { OrganisationService } from '../../organisation/services/organisation.service';
import { ContractorDto } from '../dtos/work-order.dto';
import { ContractorsArgs, CreateContractorArgs, SetContractorTradesArgs } from '../dtos/work-order.input';

/** A trade's default place on the list. */
const DEFAULT_RANK = 100;

/** Contractors (CONTRACTOR users) and their trades: the lists the next contractor is taken from. */
@Injectable()
export class ContractorsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly org: OrganisationService,
  ) {}

  /**
   * The contractors of a branch (of a trade, in the list's order), or of every branch in the caller's
   * staff reach. Staff only: a handler or a contractor gets FORBIDDEN; a branch out of reach NOT_FOUND.
   */
  async list(p: Principal, a: ContractorsArgs): Promise<ContractorDto[]> {
    const tenantId = tenantOf(p);
    if (!holdsRole(p, STAFF_ROLES)) throw new ForbiddenError('the contractor lists are for staff');
    const staff = { roles: p.roles.filter((g) => STAFF_ROLES.includes(g.role)) };
    let branches;
    if (a.branchId) {
      const b = await this.org.branch(tenantId, a.branchId);
      if (!b || !seesBranch(staff, b)) throw new NotFoundError('branch');
      branches = [b];
    } else {
      branches = await this.org.visibleBranches(p, undefined, reachesWholeTenant(staff)
        ? { wholeTenant: true, branchIds: [], companyIds: [] }
        : { wholeTenant: false, branchIds: p.complaintScope.branchIds, companyIds: p.complaintScope.companyIds });
    }
    const seen = new Set<string>();
    const out: ContractorDto[] = [];
    for (const b of branches) {
      for (const c of await branchContractors(this.ds, tenantId, { branchId: b.id, companyId: b.companyId, trade: a.trade ?? null })) {
        if (seen.has(c.userId)) continue;
        seen.add(c.userId);
        out.push({ id: c.userId, userId: c.userId, tenantId, trades: c.trades });
      }
    }
    return out;
  }

  /** Where the contractor works, resolved in the tenant and seen by the caller (NOT_FOUND otherwise). */
  private async target(p: Principal, branchId: string | null | undefined, companyId: string | null | undefined): Promise<ContractorTarget> {
    const tenantId = tenantOf(p);
    if (branchId) {
      const b = await this.org.branch(tenantId, branchId);
      if (!b || !seesBranch(p, b)) throw new NotFoundError('branch');
      if (companyId && companyId !== b.companyId) throw new BadUserInputError([{ field: 'companyId', message: 'companyId is not the company of branchId' }]);
      return { branch: b };
    }
    if (companyId) {
      const c = await this.org.company(tenantId, companyId);
      if (!c || !seesCompany(p, c.id)) throw new NotFoundError('company');
      return { companyId: c.id };
    }
    throw new BadUserInputError([{ field: 'branchId', message: 'give the branchId (or the companyId) the contractor works for' }]);
  }

  /** A CONTRACTOR user with their trades (one rank for all), created through the organisation's createUser, in one transaction. */
  async create(p: Principal, a: CreateContractorArgs): Promise<ContractorDto> {
    const tenantId = tenantOf(p);
    if (!managesContractors(p)) throw new ForbiddenError('only the head office, a company manager or a branch manager manages contractors');
    const target = await this.target(p, a.branchId, a.companyId);
    const refusal = contractorManagementRefusal(p, target);
    if (refusal) throw new ForbiddenError(refusal);
    const rank = a.rank ?? DEFAULT_RANK;
    const trades = uniqueTrades(a.trades.map((trade) => ({ trade, rank })));
    const grant = 'branch' in target
      ? { role: 'CONTRACTOR' as const, branchId: target.branch.id, companyId: target.branch.companyId }
      : { role: 'CONTRACTOR' as const, branchId: null, companyId: target.companyId };
    let stored = trades;
    const user = await this.org.createUser(p, { name: a.name, roles: [grant] }, async (m, u) => {
      stored = await setContractorTrades(m, tenantId, u.id, trades);
    });
    return { id: user.id, userId: user.id, tenantId, trades: stored };
  }

  /**
   * Replaces a contractor's trades. The user must be one the caller sees (NOT_FOUND), a CONTRACTOR
   * (BAD_USER_INPUT userId), working where the caller manages contractors (FORBIDDEN).
   */
  async setTrades(p: Principal, a: SetContractorTradesArgs): Promise<ContractorDto> {
    const tenantId = tenantOf(p);
    if (!managesContractors(p)) throw new ForbiddenError('only the head office, a company manager or a branch manager manages contractors');
    const user = await this.org.user(tenantId, a.userId);
    const roles = user ? await this.org.rolesOf(tenantId, user.id) : [];
    const targets: (ContractorTarget | null)[] = [];
    for (const g of roles) {
      if (g.branchId) {
        const b = await this.org.branch(tenantId, g.branchId);
        targets.push(b && seesBranch(p, b) ? { branch: b } : null);
      } else if (g.companyId) {
        targets.push(seesCompany(p, g.companyId) ? { companyId: g.companyId } : null);
      } else {
        targets.push(reachesWholeTenant(p) ? { companyId: '' } : null);
      }
    }
    // A user the caller's organisation does not reach does not exist for them.
    if (!user || !targets.some((t) => t !== null)) throw new NotFoundError('user');
    const contractorTargets = roles.map((g, i) => (g.role === 'CONTRACTOR' ? targets[i] : null)).filter((t): t is ContractorTarget => t !== null);
    if (!roles.some((g) => g.role === 'CONTRACTOR')) {
      throw new BadUserInputError([{ field: 'userId', message: 'userId must be a CONTRACTOR' }]);
    }
    if (!contractorTargets.some((t) => contractorManagementRefusal(p, t) === null)) {
      throw new ForbiddenError('only the head office, the company manager or the branch manager manages this contractor');
    }
    const trades = uniqueTrades(a.trades.map((t) => ({ trade: t.trade, rank: t.rank ?? DEFAULT_RANK })));
    const stored = await setContractorTrades(this.ds, tenantId, user.id, trades);
    return { id: user.id, userId: user.id, tenantId, trades: stored };
  }

  /** A contractor's trades (for a Contractor's `trades`, already loaded; this answers a bare user id). */
  async tradesOf(tenantId: string, userId: string): Promise<{ trade: Trade; rank: number }[]> {
    return (await contractorTrades(this.ds, tenantId, [userId])).get(userId) ?? [];
  }
}

/** One entry per trade (the first rank given wins), lowest rank first. */
function uniqueTrades(trades: { trade: Trade; rank: number }[]): { trade: Trade; rank: number }[] {
  const seen = new Set<Trade>();
  return trades.filter((t) => (seen.has(t.trade) ? false : (seen.add(t.trade), true))).sort((x, y) => x.rank - y.rank || x.trade.localeCompare(y.trade));
}
